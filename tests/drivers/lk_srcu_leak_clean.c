// SPDX-License-Identifier: GPL-2.0
/* Clean twin of lk_srcu_leak. */
#define FIXTURE_CLEAN
#include "lk_srcu_leak.c"
