// SPDX-License-Identifier: GPL-2.0
/*
 * clkfx fixture: remove never puts its clk_get handle (clk.leak)
 */
#define CF_LEAK
#include "clkfx.h"
