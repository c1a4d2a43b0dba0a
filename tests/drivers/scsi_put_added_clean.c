// SPDX-License-Identifier: GPL-2.0
/* Clean twin of scsi_put_added. */
#define FIXTURE_CLEAN
#include "scsi_put_added.c"
