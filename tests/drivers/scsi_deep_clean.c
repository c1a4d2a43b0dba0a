// SPDX-License-Identifier: GPL-2.0
/* Clean twin of scsi_deep. */
#define FIXTURE_CLEAN
#include "scsi_deep.c"
