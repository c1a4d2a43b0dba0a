// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: kfree of a block whose mutex is locked (lock.mutex-freed-locked). */
#define LKFX_MUTEX_FREED
#include "lockfx.h"
