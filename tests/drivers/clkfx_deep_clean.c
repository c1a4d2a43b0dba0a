// SPDX-License-Identifier: GPL-2.0
/*
 * clkfx fixture, the twin of clkfx_deep: 999,999 more prepares, enables and regulator enables,
 * at the rules' bound and not past it (no finding)
 */
#define CF_DEEP 999999
#include "clkfx.h"
