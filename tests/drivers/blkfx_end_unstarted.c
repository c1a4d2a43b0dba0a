// SPDX-License-Identifier: GPL-2.0
/*
 * blkfx fixture: queue_rq ends the driver request without starting it (block.end-unstarted)
 */
#define BF_END_UNSTARTED
#include "blkfx.h"
