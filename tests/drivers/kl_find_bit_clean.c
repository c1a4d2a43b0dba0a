// SPDX-License-Identifier: GPL-2.0
/* Clean twin of kl_find_bit */
#define FIXTURE_CLEAN
#include "kl_find_bit.c"
