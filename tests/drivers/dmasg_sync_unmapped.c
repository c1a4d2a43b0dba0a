// SPDX-License-Identifier: GPL-2.0
/* dmasg fixture: synced for the device after the unmap (dma.sync-sg-device-unmapped) */
#define SG_SYNC_UNMAPPED
#include "dmasg.h"
