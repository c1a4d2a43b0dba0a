// SPDX-License-Identifier: GPL-2.0
/*
 * clkfx fixture: remove puts its GPIO descriptor twice (gpio.put-unheld)
 */
#define CF_GPIO_TWICE
#include "clkfx.h"
