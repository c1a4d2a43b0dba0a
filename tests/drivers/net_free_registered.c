// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: free_netdev of a registered device (net.free-registered). */
#define NETFX_FREE_REGISTERED
#include "netfx.h"
