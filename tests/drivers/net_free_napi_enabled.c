// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: free_netdev with its NAPI instance enabled (net.free-napi-enabled). */
#define NETFX_FREE_NAPI_ENABLED
#include "netfx.h"
