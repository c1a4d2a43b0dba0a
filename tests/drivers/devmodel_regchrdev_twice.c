// SPDX-License-Identifier: GPL-2.0
/* devmodel fixture: exit calls unregister_chrdev twice (device.unregister-chrdev-unheld) */
#define DM_REGCHRDEV_TWICE
#include "devmodel.h"
