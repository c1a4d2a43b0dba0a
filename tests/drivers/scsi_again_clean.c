// SPDX-License-Identifier: GPL-2.0
/* Clean twin of scsi_again. */
#define FIXTURE_CLEAN
#include "scsi_again.c"
