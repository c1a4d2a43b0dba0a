// SPDX-License-Identifier: GPL-2.0
/* Clean twin of slabfx_cache_busy */
#define FIXTURE_CLEAN
#include "slabfx_cache_busy.c"
