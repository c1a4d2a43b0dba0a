// SPDX-License-Identifier: GPL-2.0
/*
 * dmafx fixture: buffer, pool and block released unseen, made again
 * (dma.alloc-live, dma.pool-create-live, dma.pool-block-live)
 */
#define DF_AGAIN
#include "dmafx.h"
