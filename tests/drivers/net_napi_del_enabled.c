// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: netif_napi_del of an enabled NAPI instance (net.napi-del-enabled). */
#define NETFX_NAPI_DEL_ENABLED
#include "netfx.h"
