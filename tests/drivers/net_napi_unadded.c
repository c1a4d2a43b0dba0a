// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: napi_enable of a NAPI instance never added (net.napi-enable-unadded). */
#define NETFX_NAPI_UNADDED
#include "netfx.h"
