// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: spin_lock of a lock the context holds (lock.spin-twice). */
#define LKFX_SPIN_TWICE
#include "lockfx.h"
