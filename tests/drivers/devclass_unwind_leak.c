// SPDX-License-Identifier: GPL-2.0
/*
 * devclass fixture: init's error path forgets destroy_workqueue and class_destroy
 * (device.class-leak, timer.workqueue-leak)
 */
#define DC_UNWIND_LEAK
#include "devclass.h"
