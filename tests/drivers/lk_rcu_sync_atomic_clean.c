// SPDX-License-Identifier: GPL-2.0
/* Clean twin of lk_rcu_sync_atomic. */
#define FIXTURE_CLEAN
#include "lk_rcu_sync_atomic.c"
