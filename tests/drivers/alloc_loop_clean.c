// SPDX-License-Identifier: GPL-2.0
/* Clean twin of alloc_loop: unwinds every buffer it allocated. */
#define FIXTURE_CLEAN
#include "alloc_loop.c"
