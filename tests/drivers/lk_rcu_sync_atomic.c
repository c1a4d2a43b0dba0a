// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: synchronize_rcu with interrupts off (rcu.sync-in-atomic). */
#define LKFX_RCU_SYNC_ATOMIC
#include "lockfx.h"
