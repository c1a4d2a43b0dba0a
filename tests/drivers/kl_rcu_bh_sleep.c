// SPDX-License-Identifier: GPL-2.0
/* klever fixture: mutex_lock inside rcu_read_lock_bh (linux.mutex_lock.sleep-in-atomic) */
#define KL_RCU_BH_SLEEP
#include "klever.h"
