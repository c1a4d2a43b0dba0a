// SPDX-License-Identifier: GPL-2.0
/* Clean twin of slabfx_sensitive */
#define FIXTURE_CLEAN
#include "slabfx_sensitive.c"
