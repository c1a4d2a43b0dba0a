// SPDX-License-Identifier: GPL-2.0
/* dmares fixture: syncs with another direction (dma.sync-cpu-, dma.sync-device-direction) */
#define DR_SYNC_DIR
#include "dmares.h"
