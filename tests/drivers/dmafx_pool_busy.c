// SPDX-License-Identifier: GPL-2.0
/*
 * dmafx fixture: DMA pool destroyed with a block taken
 * (dma.pool-destroy-busy, dma.pool-block-leak)
 */
#define DF_POOL_BUSY
#include "dmafx.h"
