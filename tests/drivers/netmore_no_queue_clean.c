// SPDX-License-Identifier: GPL-2.0
/* Clean twin of netmore_no_queue */
#define FIXTURE_CLEAN
#include "netmore_no_queue.c"
