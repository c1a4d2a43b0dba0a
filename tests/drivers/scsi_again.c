// SPDX-License-Identifier: GPL-2.0
/*
 * ddv fixture: a host freed where ddv does not see it, and the next allocated at its address,
 * which ddv holds live (scsi.host-alloc-live).
 */
#define SCSIFX_AGAIN
#include "scsifx.h"
