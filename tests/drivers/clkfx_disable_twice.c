// SPDX-License-Identifier: GPL-2.0
/*
 * clkfx fixture: remove disables its clk_get handle twice (clk.disable-unenabled)
 */
#define CF_DISABLE_TWICE
#include "clkfx.h"
