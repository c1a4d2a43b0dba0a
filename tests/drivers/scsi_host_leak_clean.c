// SPDX-License-Identifier: GPL-2.0
/* Clean twin of scsi_host_leak. */
#define FIXTURE_CLEAN
#include "scsi_host_leak.c"
