// SPDX-License-Identifier: GPL-2.0
/* managed fixture: probe dmam_free_coherent()s a buffer with half its size (dma.dmam-free-size) */
#define MG_DMAM_SIZE
#include "managed.h"
