// SPDX-License-Identifier: GPL-2.0
/* Clean twin of dmasg_map_dir */
#define FIXTURE_CLEAN
#include "dmasg_map_dir.c"
