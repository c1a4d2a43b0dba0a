// SPDX-License-Identifier: GPL-2.0
/*
 * devmodel fixture: exit release_resource()s its region, puts the resource back with
 * request_resource() and ends it with release_region(), which kfree()s it: legal, no finding
 */
#define DM_REGION_REINSERT_RELEASE
#include "devmodel.h"
