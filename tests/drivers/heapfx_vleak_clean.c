// SPDX-License-Identifier: GPL-2.0
/* Clean twin of heapfx_vleak */
#define FIXTURE_CLEAN
#include "heapfx_vleak.c"
