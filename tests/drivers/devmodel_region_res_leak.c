// SPDX-License-Identifier: GPL-2.0
/* devmodel fixture: exit release_resource()s its region, never kfree()s the resource (heap.leak) */
#define DM_REGION_RES_LEAK
#include "devmodel.h"
