// SPDX-License-Identifier: GPL-2.0
/* Clean twin of hang_loop: unwinds with a signed index. */
#define FIXTURE_CLEAN
#include "hang_loop.c"
