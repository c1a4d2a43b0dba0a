// SPDX-License-Identifier: GPL-2.0
/*
 * usbfx fixture: the interrupt URB submitted again while in flight (usb.submit-in-flight)
 */
#define UF_SUBMIT_TWICE
#include "usbfx.h"
