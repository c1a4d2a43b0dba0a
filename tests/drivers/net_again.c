// SPDX-License-Identifier: GPL-2.0
/*
 * ddv fixture: a device freed where ddv does not see it and allocated again at the address ddv
 * holds live (net.alloc-netdev-live).
 */
#define NETFX_AGAIN
#include "netfx.h"
