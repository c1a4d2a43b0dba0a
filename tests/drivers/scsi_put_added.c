// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: scsi_host_put of a host still added (scsi.put-added). */
#define SCSIFX_PUT_ADDED
#include "scsifx.h"
