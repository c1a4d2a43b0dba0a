// SPDX-License-Identifier: GPL-2.0
/* Clean twin of slabfx_destroy_unknown */
#define FIXTURE_CLEAN
#include "slabfx_destroy_unknown.c"
