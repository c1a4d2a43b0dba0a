// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: the module goes with its semaphore downed (lock.sem-freed-held). */
#define LKFX_SEM_HELD
#include "lockfx.h"
