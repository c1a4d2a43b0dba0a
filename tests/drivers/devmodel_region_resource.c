// SPDX-License-Identifier: GPL-2.0
/* devmodel fixture: exit ends its region by release_resource() and kfree(), legally */
#define DM_REGION_RESOURCE
#include "devmodel.h"
