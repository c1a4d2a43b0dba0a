// SPDX-License-Identifier: GPL-2.0
/* Clean twin of scsi_done_twice. */
#define FIXTURE_CLEAN
#include "scsi_done_twice.c"
