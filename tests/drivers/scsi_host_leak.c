// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: a SCSI host removed and never put (scsi.host-leak). */
#define SCSIFX_HOST_LEAK
#include "scsifx.h"
