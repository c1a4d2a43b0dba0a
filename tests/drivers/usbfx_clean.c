// SPDX-License-Identifier: GPL-2.0
/*
 * Clean twin of the usbfx_* fixtures: every call of usbfx.h undone, in probe's error path and
 * at disconnect.
 */
#include "usbfx.h"
