// SPDX-License-Identifier: GPL-2.0
/* timerfx fixture: del_timer_sync from hardirq context (an hrtimer's handler) */
#define TF_HARDIRQ
#include "timerfx.h"
