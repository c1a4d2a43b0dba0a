// SPDX-License-Identifier: GPL-2.0
/*
 * usbfx fixture: disconnect neither kills nor frees the interrupt URB, in flight at unload
 * (usb.urb-in-flight-at-unload, usb.urb-leak)
 */
#define UF_URB_IN_FLIGHT
#include "usbfx.h"
