// SPDX-License-Identifier: GPL-2.0
/*
 * blkfx fixture: queue_rq ends the driver request twice (block.end-unstarted: the first end left
 * it idle)
 */
#define BF_END_TWICE
#include "blkfx.h"
