// SPDX-License-Identifier: GPL-2.0
/* Clean twin of deferred_unload: stops all three at exit and frees the block. */
#define FIXTURE_CLEAN
#include "deferred_unload.c"
