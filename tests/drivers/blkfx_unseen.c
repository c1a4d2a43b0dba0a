// SPDX-License-Identifier: GPL-2.0
/*
 * blkfx fixture: the major, tag set, queue and disks released where ddv does not see it and made
 * again while ddv holds them live (block.register-blkdev-live, .alloc-tag-set-live,
 * .init-queue-live, .alloc-disk-for-queue-live, .alloc-disk-live, .mq-alloc-disk-live)
 */
#define BF_AGAIN
#define BF_UNSEEN
#include "blkfx.h"
