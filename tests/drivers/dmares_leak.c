// SPDX-License-Identifier: GPL-2.0
/* dmares fixture: resource never unmapped (dma.resource-leak) */
#define DR_LEAK
#include "dmares.h"
