// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: a command mapped for DMA and never unmapped (scsi.dma-map-leak). */
#define SCSIFX_DMA_LEAK
#include "scsifx.h"
