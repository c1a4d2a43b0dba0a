// SPDX-License-Identifier: GPL-2.0
/* Clean twin of scsi_eh_reset: frees the request when the abort message cannot be had. */
#define FIXTURE_CLEAN
#include "scsi_eh_reset.c"
