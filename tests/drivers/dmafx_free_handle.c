// SPDX-License-Identifier: GPL-2.0
/* dmafx fixture: coherent buffer freed with another bus address (dma.free-handle) */
#define DF_FREE_HANDLE
#include "dmafx.h"
