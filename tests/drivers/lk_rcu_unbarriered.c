// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: the module goes, a call_rcu callback of its own unbarriered. */
#define LKFX_RCU_UNBARRIERED
#include "lockfx.h"
