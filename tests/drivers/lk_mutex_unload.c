// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: the module's mutex still locked when it goes (lock.mutex-locked-at-unload). */
#define LKFX_MUTEX_UNLOAD
#include "lockfx.h"
