// SPDX-License-Identifier: GPL-2.0
/* dmafx fixture: coherent buffer freed for another device (dma.free-device) */
#define DF_FREE_DEVICE
#include "dmafx.h"
