// SPDX-License-Identifier: GPL-2.0
/* Clean twin of netmore_twice */
#define FIXTURE_CLEAN
#include "netmore_twice.c"
