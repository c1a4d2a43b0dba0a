// SPDX-License-Identifier: GPL-2.0
/* dmafx fixture: DMA pool block freed with another bus address (dma.pool-free-handle) */
#define DF_POOL_HANDLE
#include "dmafx.h"
