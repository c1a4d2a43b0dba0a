// SPDX-License-Identifier: GPL-2.0
/* Clean twin of kl_rcu_bh_sleep */
#define FIXTURE_CLEAN
#include "kl_rcu_bh_sleep.c"
