// SPDX-License-Identifier: GPL-2.0
/* Clean twin of heapfx_order */
#define FIXTURE_CLEAN
#include "heapfx_order.c"
