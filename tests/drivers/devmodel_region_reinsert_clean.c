// SPDX-License-Identifier: GPL-2.0
/* Clean twin of devmodel_region_reinsert: the resource kfree()d at the end */
#define FIXTURE_CLEAN
#include "devmodel_region_reinsert.c"
