// SPDX-License-Identifier: GPL-2.0
/* Clean twin of dmafx_again */
#define FIXTURE_CLEAN
#include "dmafx_again.c"
