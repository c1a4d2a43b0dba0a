// SPDX-License-Identifier: GPL-2.0
/*
 * usbfx fixture: usb_deregister_dev twice (usb.deregister-dev-unregistered)
 */
#define UF_CLASS_TWICE
#include "usbfx.h"
