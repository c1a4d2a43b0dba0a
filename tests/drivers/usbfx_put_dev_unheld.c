// SPDX-License-Identifier: GPL-2.0
/*
 * usbfx fixture: usb_put_dev once more than usb_get_dev (usb.put-dev-unheld)
 */
#define UF_PUT_DEV_UNHELD
#include "usbfx.h"
