// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: read_unlock of an rwlock the context does not read-hold (lock.read-unlock-other). */
#define LKFX_READ_OTHER
#include "lockfx.h"
