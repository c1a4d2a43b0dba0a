// SPDX-License-Identifier: GPL-2.0
/* Clean twin of irqfx_depth */
#define FIXTURE_CLEAN
#include "irqfx_depth.c"
