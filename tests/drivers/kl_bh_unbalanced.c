// SPDX-License-Identifier: GPL-2.0
/* klever fixture: local_bh_enable outside a bh-disabled section (lock.bh-enable-unbalanced) */
#define KL_BH_UNBALANCED
#include "klever.h"
