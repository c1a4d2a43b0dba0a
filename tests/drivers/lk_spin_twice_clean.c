// SPDX-License-Identifier: GPL-2.0
/* Clean twin of lk_spin_twice. */
#define FIXTURE_CLEAN
#include "lk_spin_twice.c"
