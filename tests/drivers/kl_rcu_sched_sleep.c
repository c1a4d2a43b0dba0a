// SPDX-License-Identifier: GPL-2.0
/* klever fixture: mutex_lock inside rcu_read_lock_sched (linux.mutex_lock.sleep-in-atomic) */
#define KL_RCU_SCHED_SLEEP
#include "klever.h"
