// SPDX-License-Identifier: GPL-2.0
/* devmodel fixture: exit forgets debugfs_remove (device.debugfs-leak) */
#define DM_DEBUGFS_LEAK
#include "devmodel.h"
