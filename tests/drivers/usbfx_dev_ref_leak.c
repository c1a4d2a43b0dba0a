// SPDX-License-Identifier: GPL-2.0
/*
 * usbfx fixture: disconnect forgets usb_put_dev (usb.dev-ref-leak)
 */
#define UF_DEV_REF_LEAK
#include "usbfx.h"
