// SPDX-License-Identifier: GPL-2.0
/* dmares fixture: resource unmapped with another direction (dma.unmap-resource-direction) */
#define DR_DIR
#include "dmares.h"
