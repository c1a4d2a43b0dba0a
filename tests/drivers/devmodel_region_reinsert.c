// SPDX-License-Identifier: GPL-2.0
/*
 * devmodel fixture: exit release_resource()s its region, puts the resource back with
 * request_resource() and takes it out again, never kfree()s it (heap.leak, and nothing of
 * the region's: it was the driver's heap block from the first release on)
 */
#define DM_REGION_REINSERT
#ifdef FIXTURE_CLEAN
#define DM_REGION_RESOURCE
#else
#define DM_REGION_RES_LEAK
#endif
#include "devmodel.h"
