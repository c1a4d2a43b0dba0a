// SPDX-License-Identifier: GPL-2.0
/*
 * Clean twin of the clkfx_* fixtures: every clock and regulator call of clkfx.h undone, in
 * probe's error path and in remove.
 */
#include "clkfx.h"
