// SPDX-License-Identifier: GPL-2.0
/*
 * devmodel fixture: exit release_resource()s its region and puts the resource back with
 * request_resource(), then leaves it in the tree (device.region-leak; the block is the tree's)
 */
#define DM_REGION_REINSERT_LEAK
#define DM_PORT 0xe50
#include "devmodel.h"
