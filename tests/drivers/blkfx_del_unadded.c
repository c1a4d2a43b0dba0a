// SPDX-License-Identifier: GPL-2.0
/*
 * blkfx fixture: del_gendisk of the bio-based disk, never added (block.del-unadded)
 */
#define BF_DEL_UNADDED
#include "blkfx.h"
