// SPDX-License-Identifier: GPL-2.0
/*
 * usbfx fixture: the coherent buffer of 64 bytes freed as 100 (usb.coherent-free-size)
 */
#define UF_COHERENT_SIZE
#include "usbfx.h"
