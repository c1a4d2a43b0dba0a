// SPDX-License-Identifier: GPL-2.0
/* dmafx fixture: dma_alloc_coherent given no place for the bus address (dma.alloc-no-handle) */
#define DF_NO_HANDLE
#include "dmafx.h"
