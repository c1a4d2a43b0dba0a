// SPDX-License-Identifier: GPL-2.0
/* Clean twin of lk_mutex_static. */
#define FIXTURE_CLEAN
#include "lk_mutex_static.c"
