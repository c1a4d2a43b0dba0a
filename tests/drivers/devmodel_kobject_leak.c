// SPDX-License-Identifier: GPL-2.0
/* devmodel fixture: exit forgets kobject_put (device.kobject-leak) */
#define DM_KOBJECT_LEAK
#include "devmodel.h"
