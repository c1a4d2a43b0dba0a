// SPDX-License-Identifier: GPL-2.0
/* dmafx fixture: buffer mapped twice, unmapped once (dma.map-live) */
#define DF_MAP_TWICE
#include "dmafx.h"
