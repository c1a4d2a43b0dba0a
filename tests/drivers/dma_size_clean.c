// SPDX-License-Identifier: GPL-2.0
/* Clean twin of dma_size: frees the DMA buffer with the size it was allocated with. */
#define FIXTURE_CLEAN
#include "dma_size.c"
