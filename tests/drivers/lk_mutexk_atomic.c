// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: mutex_lock_killable with preemption off (lock.mutex-int-in-atomic). */
#define LKFX_MUTEXK_ATOMIC
#include "lockfx.h"
