// SPDX-License-Identifier: GPL-2.0
/* klever fixture: rtnl_unlock with the RTNL free (net.rtnl-unlock-unheld) */
#define KL_RTNL_UNHELD
#include "klever.h"
