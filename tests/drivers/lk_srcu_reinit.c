// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: init_srcu_struct of a live domain (rcu.srcu-init-live). */
#define LKFX_SRCU_REINIT
#include "lockfx.h"
