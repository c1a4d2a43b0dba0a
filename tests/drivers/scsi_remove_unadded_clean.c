// SPDX-License-Identifier: GPL-2.0
/* Clean twin of scsi_remove_unadded. */
#define FIXTURE_CLEAN
#include "scsi_remove_unadded.c"
