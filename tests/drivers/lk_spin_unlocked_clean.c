// SPDX-License-Identifier: GPL-2.0
/* Clean twin of lk_spin_unlocked. */
#define FIXTURE_CLEAN
#include "lk_spin_unlocked.c"
