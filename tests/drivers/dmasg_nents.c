// SPDX-License-Identifier: GPL-2.0
/* dmasg fixture: unmapped with another entry count (dma.unmap-sg-nents) */
#define SG_NENTS
#include "dmasg.h"
