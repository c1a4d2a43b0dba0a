// SPDX-License-Identifier: GPL-2.0
/* devmodel fixture: init's error path forgets the chrdev region (device.chrdev-region-leak) */
#define DM_CHRDEV_LEAK
#include "devmodel.h"
