// SPDX-License-Identifier: GPL-2.0
/*
 * blkfx fixture: when add_disk fails, init's error path forgets put_disk (block.disk-leak)
 */
#define BF_DISK_LEAK
#include "blkfx.h"
