// SPDX-License-Identifier: GPL-2.0
/* Clean twin of slabfx_free_other */
#define FIXTURE_CLEAN
#include "slabfx_free_other.c"
