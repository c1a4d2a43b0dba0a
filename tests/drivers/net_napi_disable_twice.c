// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: napi_disable twice in a row (net.napi-disable-twice). */
#define NETFX_NAPI_DISABLE_TWICE
#include "netfx.h"
