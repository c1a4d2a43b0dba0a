// SPDX-License-Identifier: GPL-2.0
/* Clean twin of dmafx_map_dir */
#define FIXTURE_CLEAN
#include "dmafx_map_dir.c"
