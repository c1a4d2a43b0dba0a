// SPDX-License-Identifier: GPL-2.0
/* Clean twin of kl_rtnl_held */
#define FIXTURE_CLEAN
#include "kl_rtnl_held.c"
