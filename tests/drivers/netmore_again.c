// SPDX-License-Identifier: GPL-2.0
/* netmore fixture: a device and skbs freed unseen and allocated again (still live to ddv) */
#define NM_AGAIN
#include "netmore.h"
