// SPDX-License-Identifier: GPL-2.0
/* devmodel fixture: exit ends its region with release_resource() and kfree(), legally (no finding) */
#define DM_REGION_RESOURCE
#include "devmodel.h"
