// SPDX-License-Identifier: GPL-2.0
/* devmodel fixture: exit removes a sysfs group never created (device.sysfs-remove-uncreated) */
#define DM_SYSFS_UNCREATED
#include "devmodel.h"
