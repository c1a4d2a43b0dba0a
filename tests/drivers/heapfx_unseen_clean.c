// SPDX-License-Identifier: GPL-2.0
/* Clean twin of heapfx_unseen */
#define FIXTURE_CLEAN
#include "heapfx_unseen.c"
