// SPDX-License-Identifier: GPL-2.0
/* Clean twin of allocfx_size */
#define FIXTURE_CLEAN
#include "allocfx_size.c"
