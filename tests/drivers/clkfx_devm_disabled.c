// SPDX-License-Identifier: GPL-2.0
/* clkfx fixture: the devm_clk_get_enabled handle disabled and unprepared by the driver (clk.disable-unenabled, clk.unprepare-unprepared) */
#define CF_DEVM_DISABLED
#include "clkfx.h"
