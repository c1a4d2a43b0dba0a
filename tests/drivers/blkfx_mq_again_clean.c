// SPDX-License-Identifier: GPL-2.0
/* Clean twin of blkfx_mq_again: the first disk put with a direct call */
#define FIXTURE_CLEAN
#include "blkfx_mq_again.c"
