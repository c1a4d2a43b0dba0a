// SPDX-License-Identifier: GPL-2.0
/* Clean twin of net_kfree_skb_irq. */
#define FIXTURE_CLEAN
#include "net_kfree_skb_irq.c"
