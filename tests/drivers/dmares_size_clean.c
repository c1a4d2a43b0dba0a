// SPDX-License-Identifier: GPL-2.0
/* Clean twin of dmares_size */
#define FIXTURE_CLEAN
#include "dmares_size.c"
