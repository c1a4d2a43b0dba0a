// SPDX-License-Identifier: GPL-2.0
/*
 * devmodel fixture: exit forgets misc_deregister, and the memory of the misc device
 * (device.misc-leak, heap.leak)
 */
#define DM_MISC_LEAK
#include "devmodel.h"
