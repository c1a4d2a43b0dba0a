// SPDX-License-Identifier: GPL-2.0
/* dmasg fixture: mapped with DMA_NONE, the map failed by injection (dma.map-sg-direction) */
#define SG_MAP_DIR
#include "dmasg.h"
