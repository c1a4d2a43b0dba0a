// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: a spinlock unlocked by a task that did not lock it (lock.spin-unlock-other). */
#define LKFX_SPIN_OTHER
#include "lockfx.h"
