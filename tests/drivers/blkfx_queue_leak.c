// SPDX-License-Identifier: GPL-2.0
/*
 * blkfx fixture: exit forgets blk_mq_destroy_queue and blk_put_queue (block.queue-leak)
 */
#define BF_QUEUE_LEAK
#include "blkfx.h"
