// SPDX-License-Identifier: GPL-2.0
/* managed fixture: probe dma_free_coherent()s a dmam buffer (dma.free-dmam) */
#define MG_FREE_DMAM
#include "managed.h"
