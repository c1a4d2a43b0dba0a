// SPDX-License-Identifier: GPL-2.0
/*
 * clkfx fixture: remove never puts its GPIO descriptor (gpio.leak)
 */
#define CF_GPIO_LEAK
#include "clkfx.h"
