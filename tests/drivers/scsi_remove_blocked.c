// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: scsi_remove_host while its requests are blocked (scsi.remove-blocked). */
#define SCSIFX_REMOVE_BLOCKED
#include "scsifx.h"
