// SPDX-License-Identifier: GPL-2.0
/*
 * usbfx fixture: disconnect forgets usb_put_intf (usb.intf-ref-leak)
 */
#define UF_INTF_REF_LEAK
#include "usbfx.h"
