// SPDX-License-Identifier: GPL-2.0
/* Clean twin of managed_kfree */
#define FIXTURE_CLEAN
#include "managed_kfree.c"
