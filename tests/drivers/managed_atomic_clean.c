// SPDX-License-Identifier: GPL-2.0
/* Clean twin of managed_atomic */
#define FIXTURE_CLEAN
#include "managed_atomic.c"
