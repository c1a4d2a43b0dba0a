// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: an skb neither freed nor handed to the stack (net.skb-leak). */
#define NETFX_SKB_LEAK
#include "netfx.h"
