// SPDX-License-Identifier: GPL-2.0
/*
 * usbfx fixture: disconnect frees the interrupt URB twice (usb.urb-double-free)
 */
#define UF_URB_TWICE
#include "usbfx.h"
