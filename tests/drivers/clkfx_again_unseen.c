// SPDX-License-Identifier: GPL-2.0
/*
 * clkfx fixture: remove puts each handle where ddv does not see it and gets it again, at an
 * address ddv holds live (clk.get-live, clk.devm-get-live, regulator.get-live, gpio.get-live,
 * gpio.get-optional-live, gpio.get-index-live, gpio.get-index-optional-live)
 */
#define CF_AGAIN
#define CF_UNSEEN
#include "clkfx.h"
