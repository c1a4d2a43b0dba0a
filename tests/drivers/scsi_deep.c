// SPDX-License-Identifier: GPL-2.0
/*
 * ddv fixture: 1,000,000 more references to the host, past the rule's bound (scsi.host-get); the
 * twin takes 999,999.
 */
#ifdef FIXTURE_CLEAN
#define SCSIFX_DEEP 999999
#else
#define SCSIFX_DEEP 1000000
#endif
#include "scsifx.h"
