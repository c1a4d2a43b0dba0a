// SPDX-License-Identifier: GPL-2.0
/*
 * dmafx fixture: DMA pool block freed into another pool
 * (dma.pool-free-other-pool, dma.pool-destroy-busy)
 */
#define DF_POOL_OTHER
#include "dmafx.h"
