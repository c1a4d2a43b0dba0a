// SPDX-License-Identifier: GPL-2.0
/*
 * usbfx fixture: disconnect frees the state holding the anchor without killing its URB
 * (usb.anchor-freed-busy)
 */
#define UF_ANCHOR_BUSY
#include "usbfx.h"
