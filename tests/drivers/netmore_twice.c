// SPDX-License-Identifier: GPL-2.0
/* netmore fixture: register_netdev of a registered device */
#define NM_TWICE
#include "netmore.h"
