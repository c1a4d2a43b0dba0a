// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: alloc_netdev_mqs with no TX queue (net.alloc-netdev-no-queue). */
#define NETFX_NO_QUEUE
#include "netfx.h"
