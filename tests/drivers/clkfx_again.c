// SPDX-License-Identifier: GPL-2.0
/*
 * clkfx fixture, the twin of clkfx_again_unseen: remove puts each handle and gets it again, every
 * put a direct call (no finding)
 */
#define CF_AGAIN
#include "clkfx.h"
