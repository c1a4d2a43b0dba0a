// SPDX-License-Identifier: GPL-2.0
/* dmasg fixture: synced for the CPU with another direction (dma.sync-sg-cpu-direction) */
#define SG_SYNC_DIR
#include "dmasg.h"
