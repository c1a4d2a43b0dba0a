// SPDX-License-Identifier: GPL-2.0
/*
 * devmodel fixture: exit unregisters the chrdev region with another count (device.chrdev-
 * unregister-count)
 */
#define DM_CHRDEV_COUNT
#include "devmodel.h"
