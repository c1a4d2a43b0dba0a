// SPDX-License-Identifier: GPL-2.0
/*
 * managed fixture: probe fails with a timer pending in devm memory that devres frees
 * then (timer.freed-pending)
 */
#define MG_PROBE_FAILS
#include "managed.h"
