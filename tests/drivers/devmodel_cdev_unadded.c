// SPDX-License-Identifier: GPL-2.0
/* devmodel fixture: exit deletes a cdev never added (device.cdev-del-unadded) */
#define DM_CDEV_UNADDED
#include "devmodel.h"
