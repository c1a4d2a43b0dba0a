// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: an up() without its down(), above the initial count (lock.sem-up-unbalanced). */
#define LKFX_SEM_UP
#include "lockfx.h"
