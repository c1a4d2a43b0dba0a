// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: the module goes with its DEFINE_MUTEX locked (lock.mutex-freed-locked). */
#define LKFX_MUTEX_STATIC
#include "lockfx.h"
