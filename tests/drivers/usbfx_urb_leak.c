// SPDX-License-Identifier: GPL-2.0
/*
 * usbfx fixture: disconnect kills the interrupt URB and never frees it (usb.urb-leak)
 */
#define UF_URB_LEAK
#include "usbfx.h"
