// SPDX-License-Identifier: GPL-2.0
/* Clean twin of sleep_atomic: frees the ring after dropping the lock. */
#define FIXTURE_CLEAN
#include "sleep_atomic.c"
