// SPDX-License-Identifier: GPL-2.0
/* dmafx fixture: coherent buffer freed twice (dma.double-free) */
#define DF_DOUBLE_FREE
#include "dmafx.h"
