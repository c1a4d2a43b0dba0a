// SPDX-License-Identifier: GPL-2.0
/*
 * Clean twin of the blkfx_* fixtures: every call of blkfx.h undone, in init's error path and at
 * exit.
 */
#include "blkfx.h"
