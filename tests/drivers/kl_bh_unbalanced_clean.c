// SPDX-License-Identifier: GPL-2.0
/* Clean twin of kl_bh_unbalanced */
#define FIXTURE_CLEAN
#include "kl_bh_unbalanced.c"
