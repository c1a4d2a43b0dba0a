// SPDX-License-Identifier: GPL-2.0
/* netmore fixture: the device leaked when the allocation after it fails */
#define NM_LEAK
#include "netmore.h"
