// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: a mutex still held at unload (lock.mutex-held). */
#define LKFX_MUTEX_HELD
#include "lockfx.h"
