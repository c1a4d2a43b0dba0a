// SPDX-License-Identifier: GPL-2.0
/* dmafx fixture: DMA pool never destroyed (dma.pool-leak) */
#define DF_POOL_LEAK
#include "dmafx.h"
