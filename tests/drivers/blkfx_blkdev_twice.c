// SPDX-License-Identifier: GPL-2.0
/*
 * blkfx fixture: exit unregisters its major twice (block.unregister-blkdev-unheld)
 */
#define BF_BLKDEV_TWICE
#include "blkfx.h"
