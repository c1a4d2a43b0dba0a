// SPDX-License-Identifier: GPL-2.0
/* Clean twin of blkfx_atomic: the same calls, all failed by injection, preemption on. */
#define FIXTURE_CLEAN
#include "blkfx_atomic.c"
