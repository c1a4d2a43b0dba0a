// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: an srcu_struct never cleaned up (rcu.srcu-leak). */
#define LKFX_SRCU_LEAK
#include "lockfx.h"
