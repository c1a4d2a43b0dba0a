// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: scsi_unblock_requests without a block (scsi.unblock-unblocked). */
#define SCSIFX_UNBLOCK_UNBLOCKED
#include "scsifx.h"
