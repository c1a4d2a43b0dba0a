// SPDX-License-Identifier: GPL-2.0
/* dmasg fixture: unmapped twice (dma.unmap-sg-unmapped) */
#define SG_TWICE
#include "dmasg.h"
