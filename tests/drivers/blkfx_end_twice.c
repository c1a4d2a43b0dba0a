// SPDX-License-Identifier: GPL-2.0
/*
 * blkfx fixture: queue_rq ends the driver request twice (block.end-twice)
 */
#define BF_END_TWICE
#include "blkfx.h"
