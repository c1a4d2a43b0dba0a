// SPDX-License-Identifier: GPL-2.0
/* Clean twin of allocfx_atomic */
#define FIXTURE_CLEAN
#include "allocfx_atomic.c"
