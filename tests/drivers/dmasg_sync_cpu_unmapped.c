// SPDX-License-Identifier: GPL-2.0
/* dmasg fixture: synced for the CPU after the unmap (dma.sync-sg-cpu-unmapped) */
#define SG_SYNC_CPU_UNMAPPED
#include "dmasg.h"
