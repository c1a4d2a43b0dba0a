// SPDX-License-Identifier: GPL-2.0
/* devmodel fixture: exit forgets release_region (device.region-leak) */
#define DM_REGION_LEAK
#define DM_PORT 0xe10
#include "devmodel.h"
