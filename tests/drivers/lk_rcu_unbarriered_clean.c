// SPDX-License-Identifier: GPL-2.0
/* Clean twin of lk_rcu_unbarriered. */
#define FIXTURE_CLEAN
#include "lk_rcu_unbarriered.c"
