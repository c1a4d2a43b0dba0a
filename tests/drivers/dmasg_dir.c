// SPDX-License-Identifier: GPL-2.0
/* dmasg fixture: unmapped with another direction (dma.unmap-sg-direction) */
#define SG_DIR
#include "dmasg.h"
