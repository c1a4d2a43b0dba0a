// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: a failed mutex_trylock taken for a success (lock.mutex-unlock-unlocked). */
#define LKFX_MUTEX_TRYLOCK
#include "lockfx.h"
