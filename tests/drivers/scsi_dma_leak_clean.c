// SPDX-License-Identifier: GPL-2.0
/* Clean twin of scsi_dma_leak. */
#define FIXTURE_CLEAN
#include "scsi_dma_leak.c"
