// SPDX-License-Identifier: GPL-2.0
/* Clean twin of netmore_leak */
#define FIXTURE_CLEAN
#include "netmore_leak.c"
