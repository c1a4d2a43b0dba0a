// SPDX-License-Identifier: GPL-2.0
/*
 * usbfx fixture, the twin of usbfx_again_unseen: an URB, a coherent buffer, the class device and
 * the driver released and made again at once, every release a direct call (no finding)
 */
#define UF_AGAIN
#include "usbfx.h"
