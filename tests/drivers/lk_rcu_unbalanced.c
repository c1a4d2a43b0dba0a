// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: rcu_read_unlock without rcu_read_lock (rcu.unlock-unbalanced). */
#define LKFX_RCU_UNBALANCED
#include "lockfx.h"
