// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: a command mapped for DMA twice (scsi.dma-map-twice). */
#define SCSIFX_DMA_TWICE
#include "scsifx.h"
