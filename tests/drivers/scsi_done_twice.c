// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: scsi_done twice for one command (scsi.done-twice). */
#define SCSIFX_DONE_TWICE
#include "scsifx.h"
