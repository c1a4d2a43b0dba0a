// SPDX-License-Identifier: GPL-2.0
/*
 * clkfx fixture: remove enables its clk_get handle again once unprepared (clk.enable-unprepared)
 */
#define CF_ENABLE_UNPREPARED
#include "clkfx.h"
