// SPDX-License-Identifier: GPL-2.0
/* Clean twin of net_no_queue. */
#define FIXTURE_CLEAN
#include "net_no_queue.c"
