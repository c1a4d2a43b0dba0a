// SPDX-License-Identifier: GPL-2.0
/* Clean twin of lk_spin_held. */
#define FIXTURE_CLEAN
#include "lk_spin_held.c"
