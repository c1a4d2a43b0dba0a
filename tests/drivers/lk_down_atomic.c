// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: down() with preemption off (lock.down-in-atomic). */
#define LKFX_DOWN_ATOMIC
#include "lockfx.h"
