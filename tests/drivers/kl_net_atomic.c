// SPDX-License-Identifier: GPL-2.0
/* klever fixture: rtnl_lock, rtnl_unlock, lock_sock with preemption off (sleep-in-atomic) */
#define KL_NET_ATOMIC
#include "klever.h"
