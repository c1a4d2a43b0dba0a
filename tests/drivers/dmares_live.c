// SPDX-License-Identifier: GPL-2.0
/* dmares fixture: resource mapped again while mapped (dma.map-resource-live) */
#define DR_LIVE
#include "dmares.h"
