// SPDX-License-Identifier: GPL-2.0
/* Clean twin of managed_timer */
#define FIXTURE_CLEAN
#include "managed_timer.c"
