// SPDX-License-Identifier: GPL-2.0
/* devmodel fixture: exit forgets unregister_chrdev (device.chrdev-leak) */
#define DM_REGCHRDEV_LEAK
#include "devmodel.h"
