// SPDX-License-Identifier: GPL-2.0
/* devmodel fixture: init adds its cdev twice (device.cdev-add-twice) */
#define DM_CDEV_TWICE
#include "devmodel.h"
