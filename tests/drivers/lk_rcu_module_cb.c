// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: call_rcu with a callback of the module, never barriered (rcu.callback-unbarriered); the twin's is the kernel's. */
#define LKFX_RCU_MODULE_CB
#include "lockfx.h"
