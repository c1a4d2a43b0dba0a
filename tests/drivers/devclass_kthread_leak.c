// SPDX-License-Identifier: GPL-2.0
/* devclass fixture: exit stops its thread where ddv does not see it (sched.kthread-leak) */
#define DC_KTHREAD_LEAK
#include "devclass.h"
