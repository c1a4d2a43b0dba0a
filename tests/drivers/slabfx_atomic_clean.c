// SPDX-License-Identifier: GPL-2.0
/* Clean twin of slabfx_atomic */
#define FIXTURE_CLEAN
#include "slabfx_atomic.c"
