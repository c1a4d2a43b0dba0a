// SPDX-License-Identifier: GPL-2.0
/* Clean twin of slabfx_nofail: frees the trusted block when the other allocation fails. */
#define FIXTURE_CLEAN
#include "slabfx_nofail.c"
