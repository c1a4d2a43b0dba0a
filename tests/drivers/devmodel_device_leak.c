// SPDX-License-Identifier: GPL-2.0
/*
 * devmodel fixture: exit forgets device_unregister, so the device and its memory stay
 * (device.ref-leak, heap.leak)
 */
#define DM_DEVICE_LEAK
#include "devmodel.h"
