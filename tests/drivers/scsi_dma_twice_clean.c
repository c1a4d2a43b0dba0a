// SPDX-License-Identifier: GPL-2.0
/* Clean twin of scsi_dma_twice. */
#define FIXTURE_CLEAN
#include "scsi_dma_twice.c"
