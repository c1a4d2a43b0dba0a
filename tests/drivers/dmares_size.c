// SPDX-License-Identifier: GPL-2.0
/* dmares fixture: resource unmapped with half its size (dma.unmap-resource-size) */
#define DR_SIZE
#include "dmares.h"
