// SPDX-License-Identifier: GPL-2.0
/* Clean twin of allocfx_unseen */
#define FIXTURE_CLEAN
#include "allocfx_unseen.c"
