// SPDX-License-Identifier: GPL-2.0
/*
 * dmasg fixture: the list and the table unmapped where ddv does not see it and mapped again
 * (dma.map-sg-live, dma.map-sgtable-live)
 */
#define SG_AGAIN
#include "dmasg.h"
