// SPDX-License-Identifier: GPL-2.0
/*
 * managed fixture: remove leaves a timer pending in devm memory that devres frees at
 * unbind (timer.freed-pending)
 */
#define MG_TIMER_LEFT
#include "managed.h"
