// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: spin_unlock of an unlocked lock (lock.spin-unlock-unlocked). */
#define LKFX_SPIN_UNLOCKED
#include "lockfx.h"
