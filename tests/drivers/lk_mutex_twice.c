// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: a task takes a mutex it holds (lock.mutex-twice). */
#define LKFX_MUTEX_TWICE
#include "lockfx.h"
