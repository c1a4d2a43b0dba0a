// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: init fails with its DEFINE_MUTEX locked (lock.mutex-freed-locked). */
#define LKFX_MUTEX_STATIC_FAILED
#include "lockfx.h"
