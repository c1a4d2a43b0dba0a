// SPDX-License-Identifier: GPL-2.0
/*
 * usbfx fixture: the synchronous messages, the allocations and a submission with GFP_KERNEL, with
 * preemption off (linux.usb_*.sleep-in-atomic; their failures injected)
 */
#define UF_ATOMIC
#include "usbfx.h"
