// SPDX-License-Identifier: GPL-2.0
/* Clean twin of lk_sem_up. */
#define FIXTURE_CLEAN
#include "lk_sem_up.c"
