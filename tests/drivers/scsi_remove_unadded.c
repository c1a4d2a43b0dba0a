// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: scsi_remove_host of a host never added (scsi.remove-unadded). */
#define SCSIFX_REMOVE_UNADDED
#include "scsifx.h"
