// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: mutex_lock_killable of a mutex the task holds (lock.mutex-int-twice). */
#define LKFX_MUTEXK_TWICE
#include "lockfx.h"
