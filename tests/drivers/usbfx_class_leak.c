// SPDX-License-Identifier: GPL-2.0
/*
 * usbfx fixture: disconnect forgets usb_deregister_dev (usb.class-dev-leak)
 */
#define UF_CLASS_LEAK
#include "usbfx.h"
