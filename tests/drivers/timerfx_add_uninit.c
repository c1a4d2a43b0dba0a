// SPDX-License-Identifier: GPL-2.0
/* timerfx fixture: add_timer of a timer timer_setup never saw (a copy) */
#define TF_ADD_UNINIT
#include "timerfx.h"
