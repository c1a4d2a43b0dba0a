// SPDX-License-Identifier: GPL-2.0
/*
 * devclass fixture: destroy_workqueue of a workqueue ddv never saw made, as a second destroy
 * is (timer.workqueue-destroy-dead)
 */
#define DC_WQ_DEAD
#include "devclass.h"
