// SPDX-License-Identifier: GPL-2.0
/* dmasg fixture: never unmapped (dma.sg-leak) */
#define SG_LEAK
#include "dmasg.h"
