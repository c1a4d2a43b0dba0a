// SPDX-License-Identifier: GPL-2.0
/* Clean twin of lk_mutex_freed. */
#define FIXTURE_CLEAN
#include "lk_mutex_freed.c"
