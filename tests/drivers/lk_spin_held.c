// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: init fails with a spinlock held (lock.spin-held-at-return, on kmalloc failing). */
#define LKFX_SPIN_HELD
#include "lockfx.h"
