// SPDX-License-Identifier: GPL-2.0
/*
 * clkfx fixture: remove unprepares its clk_get handle twice (clk.unprepare-unprepared)
 */
#define CF_UNPREPARE_TWICE
#include "clkfx.h"
