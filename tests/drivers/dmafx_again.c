// SPDX-License-Identifier: GPL-2.0
/* dmafx fixture: buffer, pool and block given back unseen and made again (dma.alloc-live, dma.pool-create-live, dma.pool-block-live) */
#define DF_AGAIN
#include "dmafx.h"
