// SPDX-License-Identifier: GPL-2.0
/* dmares fixture: syncs past the mapping's end (dma.sync-cpu-size, dma.sync-device-size) */
#define DR_SYNC_SIZE
#include "dmares.h"
