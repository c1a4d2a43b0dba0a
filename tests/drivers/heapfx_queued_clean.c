// SPDX-License-Identifier: GPL-2.0
/* Clean twin of heapfx_queued */
#define FIXTURE_CLEAN
#include "heapfx_queued.c"
