// SPDX-License-Identifier: GPL-2.0
/* dmafx fixture: mapping unmapped twice (dma.double-unmap) */
#define DF_UNMAP_TWICE
#include "dmafx.h"
