// SPDX-License-Identifier: GPL-2.0
/* Clean twin of dmares_twice */
#define FIXTURE_CLEAN
#include "dmares_twice.c"
