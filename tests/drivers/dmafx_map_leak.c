// SPDX-License-Identifier: GPL-2.0
/* dmafx fixture: mapping never unmapped (dma.mapping-leak) */
#define DF_MAP_LEAK
#include "dmafx.h"
