// SPDX-License-Identifier: GPL-2.0
/* dmafx fixture: DMA pool block freed twice (dma.pool-double-free) */
#define DF_POOL_DOUBLE_FREE
#include "dmafx.h"
