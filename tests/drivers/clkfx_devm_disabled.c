// SPDX-License-Identifier: GPL-2.0
/* clkfx fixture: a devm_clk_get_enabled handle disabled by the driver (clk.disable-unenabled) */
#define CF_DEVM_DISABLED
#include "clkfx.h"
