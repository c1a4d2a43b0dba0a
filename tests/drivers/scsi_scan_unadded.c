// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: scsi_scan_host of a host never added (scsi.scan-unadded). */
#define SCSIFX_SCAN_UNADDED
#include "scsifx.h"
