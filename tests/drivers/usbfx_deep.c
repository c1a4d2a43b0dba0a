// SPDX-License-Identifier: GPL-2.0
/*
 * usbfx fixture: 1,000,000 more references to the device, the interface and an URB, past the
 * rules' bound (usb.get-dev-depth, usb.get-intf-depth, usb.get-urb-depth)
 */
#define UF_DEEP 1000000
#define UF_UNSEEN
#include "usbfx.h"
