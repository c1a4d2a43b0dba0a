// SPDX-License-Identifier: GPL-2.0
/*
 * clkfx fixture: remove prepares and enables the clk_get handle and enables the regulator
 * 1,000,000 more times, past the rules' bound (clk.prepare-depth, clk.enable-depth,
 * regulator.enable-depth); the call past it is undone where ddv does not see it
 */
#define CF_DEEP 1000000
#define CF_UNSEEN
#include "clkfx.h"
