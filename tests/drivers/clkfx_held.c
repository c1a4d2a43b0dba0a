// SPDX-License-Identifier: GPL-2.0
/*
 * clkfx fixture: remove leaves its devm_clk_get handle prepared and enabled (clk.held-at-unload)
 */
#define CF_HELD
#include "clkfx.h"
