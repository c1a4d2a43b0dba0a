// SPDX-License-Identifier: GPL-2.0
/*
 * blkfx fixture: exit forgets unregister_blkdev (block.blkdev-leak)
 */
#define BF_BLKDEV_LEAK
#include "blkfx.h"
