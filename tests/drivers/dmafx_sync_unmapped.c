// SPDX-License-Identifier: GPL-2.0
/*
 * dmafx fixture: mapping synced for the CPU and the device after its unmap
 * (dma.sync-cpu-unmapped, dma.sync-device-unmapped)
 */
#define DF_SYNC_UNMAPPED
#include "dmafx.h"
