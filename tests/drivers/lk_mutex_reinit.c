// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: mutex_init of a held mutex (lock.mutex-init-held). */
#define LKFX_MUTEX_REINIT
#include "lockfx.h"
