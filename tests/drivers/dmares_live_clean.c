// SPDX-License-Identifier: GPL-2.0
/* Clean twin of dmares_live */
#define FIXTURE_CLEAN
#include "dmares_live.c"
