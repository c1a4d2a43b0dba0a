// SPDX-License-Identifier: GPL-2.0
/* Clean twin of lk_read_other. */
#define FIXTURE_CLEAN
#include "lk_read_other.c"
