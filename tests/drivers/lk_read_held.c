// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: init returns with an rwlock read-held (lock.read-held-at-return). */
#define LKFX_READ_HELD
#include "lockfx.h"
