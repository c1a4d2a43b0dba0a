// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: call_rcu with a module callback, no rcu_barrier (rcu.callback-unbarriered). */
#define LKFX_RCU_MODULE_CB
#include "lockfx.h"
