// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: the module goes with a call_rcu callback of its own and no rcu_barrier (rcu.callback-unbarriered). */
#define LKFX_RCU_UNBARRIERED
#include "lockfx.h"
