// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: mutex_lock with preemption off (lock.mutex-in-atomic). */
#define LKFX_MUTEX_ATOMIC
#include "lockfx.h"
