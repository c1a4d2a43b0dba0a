// SPDX-License-Identifier: GPL-2.0
/* Clean twin of kl_net_atomic */
#define FIXTURE_CLEAN
#include "kl_net_atomic.c"
