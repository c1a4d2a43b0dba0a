// SPDX-License-Identifier: GPL-2.0
/* Clean twin of netmore_queued */
#define FIXTURE_CLEAN
#include "netmore_queued.c"
