// SPDX-License-Identifier: GPL-2.0
/* Clean twin of heapfx_atomic */
#define FIXTURE_CLEAN
#include "heapfx_atomic.c"
