// SPDX-License-Identifier: GPL-2.0
/*
 * usbfx fixture: disconnect forgets usb_free_coherent (usb.coherent-leak)
 */
#define UF_COHERENT_LEAK
#include "usbfx.h"
