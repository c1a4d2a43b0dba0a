// SPDX-License-Identifier: GPL-2.0
/*
 * blkfx fixture: queue_rq starts the driver request twice (block.start-twice)
 */
#define BF_START_TWICE
#include "blkfx.h"
