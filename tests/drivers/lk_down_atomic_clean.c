// SPDX-License-Identifier: GPL-2.0
/* Clean twin of lk_down_atomic. */
#define FIXTURE_CLEAN
#include "lk_down_atomic.c"
