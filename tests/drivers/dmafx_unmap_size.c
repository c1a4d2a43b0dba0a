// SPDX-License-Identifier: GPL-2.0
/* dmafx fixture: mapping unmapped with half its size (dma.unmap-size) */
#define DF_UNMAP_SIZE
#include "dmafx.h"
