// SPDX-License-Identifier: GPL-2.0
/* dmasg fixture: synced for the device with another direction (dma.sync-sg-device-direction) */
#define SG_SYNC_DEV_DIR
#include "dmasg.h"
