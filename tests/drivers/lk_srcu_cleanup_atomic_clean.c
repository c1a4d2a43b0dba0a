// SPDX-License-Identifier: GPL-2.0
/* Clean twin of lk_srcu_cleanup_atomic. */
#define FIXTURE_CLEAN
#include "lk_srcu_cleanup_atomic.c"
