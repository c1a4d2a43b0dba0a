// SPDX-License-Identifier: GPL-2.0
/* dmares fixture: resource unmapped twice (dma.unmap-resource-unmapped) */
#define DR_TWICE
#include "dmares.h"
