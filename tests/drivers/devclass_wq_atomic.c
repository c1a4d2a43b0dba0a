// SPDX-License-Identifier: GPL-2.0
/*
 * devclass fixture: destroy_workqueue with preemption off (linux.destroy_workqueue.sleep-in-
 * atomic)
 */
#define DC_WQ_ATOMIC
#include "devclass.h"
