// SPDX-License-Identifier: GPL-2.0
/* Clean twin of dmares_dir */
#define FIXTURE_CLEAN
#include "dmares_dir.c"
