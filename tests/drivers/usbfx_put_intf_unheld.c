// SPDX-License-Identifier: GPL-2.0
/*
 * usbfx fixture: usb_put_intf once more than usb_get_intf (usb.put-intf-unheld)
 */
#define UF_PUT_INTF_UNHELD
#include "usbfx.h"
