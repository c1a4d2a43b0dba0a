// SPDX-License-Identifier: GPL-2.0
/*
 * dmafx fixture: GFP_KERNEL coherent and pool allocations, preemption off
 * (dma.alloc-sleep-in-atomic, dma.pool-alloc-sleep-in-atomic)
 */
#define DF_ATOMIC
#include "dmafx.h"
