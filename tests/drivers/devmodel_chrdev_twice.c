// SPDX-License-Identifier: GPL-2.0
/* devmodel fixture: exit unregisters the chrdev region twice (device.chrdev-unregister-unheld) */
#define DM_CHRDEV_TWICE
#include "devmodel.h"
