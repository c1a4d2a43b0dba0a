// SPDX-License-Identifier: GPL-2.0
/*
 * usbfx fixture: a second USB driver, in heap memory, never deregistered (usb.driver-leak,
 * heap.leak)
 */
#define UF_DRIVER_LEAK
#include "usbfx.h"
