// SPDX-License-Identifier: GPL-2.0
/* Clean twin of scsi_unblock_unblocked. */
#define FIXTURE_CLEAN
#include "scsi_unblock_unblocked.c"
