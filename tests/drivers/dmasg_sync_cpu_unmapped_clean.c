// SPDX-License-Identifier: GPL-2.0
/* Clean twin of dmasg_sync_cpu_unmapped */
#define FIXTURE_CLEAN
#include "dmasg_sync_cpu_unmapped.c"
