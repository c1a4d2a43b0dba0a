// SPDX-License-Identifier: GPL-2.0
/* klever fixture: the RTNL held at unload (net.rtnl-held-at-unload) */
#define KL_RTNL_HELD
#include "klever.h"
