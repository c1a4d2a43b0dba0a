// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: the module goes with its mutex locked (lock.mutex-freed-locked). */
#define LKFX_MUTEX_UNLOAD
#include "lockfx.h"
