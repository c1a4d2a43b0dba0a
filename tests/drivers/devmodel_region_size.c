// SPDX-License-Identifier: GPL-2.0
/* devmodel fixture: exit releases half its I/O port region (device.region-release-size) */
#define DM_REGION_SIZE
#define DM_PORT 0xe20
#include "devmodel.h"
