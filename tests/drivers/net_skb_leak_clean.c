// SPDX-License-Identifier: GPL-2.0
/* Clean twin of net_skb_leak. */
#define FIXTURE_CLEAN
#include "net_skb_leak.c"
