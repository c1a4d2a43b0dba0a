// SPDX-License-Identifier: GPL-2.0
/* Clean twin of clkfx_devm_disabled */
#define FIXTURE_CLEAN
#include "clkfx_devm_disabled.c"
