// SPDX-License-Identifier: GPL-2.0
/* netmore fixture: free_netdev while a work item in its private area is queued */
#define NM_QUEUED
#include "netmore.h"
