// SPDX-License-Identifier: GPL-2.0
/* dmafx fixture: mapping unmapped with another direction (dma.unmap-direction) */
#define DF_UNMAP_DIR
#include "dmafx.h"
