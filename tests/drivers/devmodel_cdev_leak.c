// SPDX-License-Identifier: GPL-2.0
/* devmodel fixture: exit forgets cdev_del (device.cdev-leak) */
#define DM_CDEV_LEAK
#include "devmodel.h"
