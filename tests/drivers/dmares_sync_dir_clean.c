// SPDX-License-Identifier: GPL-2.0
/* Clean twin of dmares_sync_dir */
#define FIXTURE_CLEAN
#include "dmares_sync_dir.c"
