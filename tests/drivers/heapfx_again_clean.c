// SPDX-License-Identifier: GPL-2.0
/* Clean twin of heapfx_again */
#define FIXTURE_CLEAN
#include "heapfx_again.c"
