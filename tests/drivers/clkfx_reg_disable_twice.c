// SPDX-License-Identifier: GPL-2.0
/*
 * clkfx fixture: remove disables its regulator twice (regulator.disable-unenabled)
 */
#define CF_REG_DISABLE_TWICE
#include "clkfx.h"
