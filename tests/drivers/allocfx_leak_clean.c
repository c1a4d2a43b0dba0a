// SPDX-License-Identifier: GPL-2.0
/* Clean twin of allocfx_leak */
#define FIXTURE_CLEAN
#include "allocfx_leak.c"
