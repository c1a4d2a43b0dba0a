// SPDX-License-Identifier: GPL-2.0
/*
 * clkfx fixture: remove never puts its regulator (regulator.leak)
 */
#define CF_REG_LEAK
#include "clkfx.h"
