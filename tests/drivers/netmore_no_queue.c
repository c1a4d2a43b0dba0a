// SPDX-License-Identifier: GPL-2.0
/* netmore fixture: alloc_etherdev_mqs with no TX queue */
#define NM_NO_QUEUE
#include "netmore.h"
