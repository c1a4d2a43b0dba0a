// SPDX-License-Identifier: GPL-2.0
/*
 * blkfx fixture, the twin of blkfx_again_unseen: init releases its major, tag set, queue and disks
 * as it gets them and gets them again, every release a direct call (no finding)
 */
#define BF_AGAIN
#include "blkfx.h"
