// SPDX-License-Identifier: GPL-2.0
/* devmodel fixture: exit forgets sysfs_remove_group (device.sysfs-group-leak) */
#define DM_SYSFS_LEAK
#include "devmodel.h"
