// SPDX-License-Identifier: GPL-2.0
/* dmafx fixture: DMA pool destroyed twice (dma.pool-double-destroy) */
#define DF_POOL_TWICE
#include "dmafx.h"
