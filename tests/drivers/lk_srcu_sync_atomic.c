// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: synchronize_srcu with interrupts off (rcu.srcu-sync-in-atomic). */
#define LKFX_SRCU_SYNC_ATOMIC
#include "lockfx.h"
