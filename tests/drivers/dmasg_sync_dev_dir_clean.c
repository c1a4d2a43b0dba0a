// SPDX-License-Identifier: GPL-2.0
/* Clean twin of dmasg_sync_dev_dir */
#define FIXTURE_CLEAN
#include "dmasg_sync_dev_dir.c"
