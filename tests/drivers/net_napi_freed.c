// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: kfree of a block with an enabled NAPI instance (net.napi-freed-enabled). */
#define NETFX_NAPI_FREED
#include "netfx.h"
