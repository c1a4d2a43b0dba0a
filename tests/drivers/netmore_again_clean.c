// SPDX-License-Identifier: GPL-2.0
/* Clean twin of netmore_again */
#define FIXTURE_CLEAN
#include "netmore_again.c"
