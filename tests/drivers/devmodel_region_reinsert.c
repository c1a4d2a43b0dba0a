// SPDX-License-Identifier: GPL-2.0
/*
 * devmodel fixture: exit release_resource()s its region, puts the resource back with
 * request_resource() (a region again) and takes it out again, never kfree()s it (heap.leak,
 * and nothing of the region's: each release_resource() makes it the driver's heap block)
 */
#define DM_REGION_REINSERT
#ifdef FIXTURE_CLEAN
#define DM_REGION_RESOURCE
#else
#define DM_REGION_RES_LEAK
#endif
#include "devmodel.h"
