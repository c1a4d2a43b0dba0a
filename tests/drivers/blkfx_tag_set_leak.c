// SPDX-License-Identifier: GPL-2.0
/*
 * blkfx fixture: exit forgets blk_mq_free_tag_set (block.tag-set-leak)
 */
#define BF_TAG_SET_LEAK
#include "blkfx.h"
