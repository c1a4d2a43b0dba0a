// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: a mutex unlocked by a task that did not lock it (lock.mutex-unlock-other). */
#define LKFX_MUTEX_OTHER
#include "lockfx.h"
