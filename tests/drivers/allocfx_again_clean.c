// SPDX-License-Identifier: GPL-2.0
/* Clean twin of allocfx_again */
#define FIXTURE_CLEAN
#include "allocfx_again.c"
