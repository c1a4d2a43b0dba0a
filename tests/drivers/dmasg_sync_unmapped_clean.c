// SPDX-License-Identifier: GPL-2.0
/* Clean twin of dmasg_sync_unmapped */
#define FIXTURE_CLEAN
#include "dmasg_sync_unmapped.c"
