// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: kfree_skb with interrupts off (net.kfree-skb-in-irq). */
#define NETFX_KFREE_SKB_IRQ
#include "netfx.h"
