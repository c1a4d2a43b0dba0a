// SPDX-License-Identifier: GPL-2.0
/* Clean twin of slabfx_again */
#define FIXTURE_CLEAN
#include "slabfx_again.c"
