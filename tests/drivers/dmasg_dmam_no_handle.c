// SPDX-License-Identifier: GPL-2.0
/*
 * dmasg fixture: dmam_alloc_coherent without a place for the bus address, failed by injection
 * (dma.dmam-alloc-no-handle)
 */
#define SG_DMAM_NO_HANDLE
#include "dmasg.h"
