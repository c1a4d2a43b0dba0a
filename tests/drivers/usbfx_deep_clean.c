// SPDX-License-Identifier: GPL-2.0
/*
 * usbfx fixture, the twin of usbfx_deep: 999,999 more references each, at the rules' bound and
 * not past it (no finding)
 */
#define UF_DEEP 999999
#include "usbfx.h"
