// SPDX-License-Identifier: GPL-2.0
/* Clean twin of lk_write_held. */
#define FIXTURE_CLEAN
#include "lk_write_held.c"
