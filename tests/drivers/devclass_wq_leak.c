// SPDX-License-Identifier: GPL-2.0
/* devclass fixture: exit forgets destroy_workqueue (timer.workqueue-leak) */
#define DC_WQ_LEAK
#include "devclass.h"
