// SPDX-License-Identifier: GPL-2.0
/* Clean twin of scsi_scan_unadded. */
#define FIXTURE_CLEAN
#include "scsi_scan_unadded.c"
