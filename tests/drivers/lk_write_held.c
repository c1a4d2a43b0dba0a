// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: init returns with an rwlock write-held (lock.write-held-at-return). */
#define LKFX_WRITE_HELD
#include "lockfx.h"
