// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: cleanup_srcu_struct with interrupts off (may_sleep). */
#define LKFX_SRCU_CLEANUP_ATOMIC
#include "lockfx.h"
