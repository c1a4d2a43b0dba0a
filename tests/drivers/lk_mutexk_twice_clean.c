// SPDX-License-Identifier: GPL-2.0
/* Clean twin of lk_mutexk_twice. */
#define FIXTURE_CLEAN
#include "lk_mutexk_twice.c"
