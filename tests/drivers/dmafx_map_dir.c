// SPDX-License-Identifier: GPL-2.0
/* dmafx fixture: buffer mapped with DMA_NONE (dma.map-direction) */
#define DF_MAP_DIR
#include "dmafx.h"
