// SPDX-License-Identifier: GPL-2.0
/* Clean twin of dmafx_atomic */
#define FIXTURE_CLEAN
#include "dmafx_atomic.c"
