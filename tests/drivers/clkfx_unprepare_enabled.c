// SPDX-License-Identifier: GPL-2.0
/*
 * clkfx fixture: remove unprepares its clk_get handle while it is enabled (clk.unprepare-enabled)
 */
#define CF_UNPREPARE_ENABLED
#include "clkfx.h"
