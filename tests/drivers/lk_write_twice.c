// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: write_lock of an rwlock the context write-holds (lock.write-twice). */
#define LKFX_WRITE_TWICE
#include "lockfx.h"
