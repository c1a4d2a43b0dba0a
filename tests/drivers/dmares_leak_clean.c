// SPDX-License-Identifier: GPL-2.0
/* Clean twin of dmares_leak */
#define FIXTURE_CLEAN
#include "dmares_leak.c"
