// SPDX-License-Identifier: GPL-2.0
/* dmasg fixture: a dma_map_sgtable table never unmapped (dma.sg-leak) */
#define SG_TABLE_LEAK
#include "dmasg.h"
