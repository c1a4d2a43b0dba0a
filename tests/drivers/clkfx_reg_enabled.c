// SPDX-License-Identifier: GPL-2.0
/*
 * clkfx fixture: remove leaves its regulator enabled (and got) (regulator.enabled-at-unload)
 */
#define CF_REG_ENABLED
#include "clkfx.h"
