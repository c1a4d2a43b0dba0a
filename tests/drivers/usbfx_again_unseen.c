// SPDX-License-Identifier: GPL-2.0
/*
 * usbfx fixture: an URB, a coherent buffer, the class device and the driver released where ddv
 * does not see it and made again while ddv holds them live (usb.alloc-urb-live,
 * usb.alloc-coherent-live, usb.register-dev-live, usb.register-driver-live)
 */
#define UF_AGAIN
#define UF_UNSEEN
#include "usbfx.h"
