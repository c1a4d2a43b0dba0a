// SPDX-License-Identifier: GPL-2.0
/*
 * Clean twin of devclass_atomic: the same calls, the fallible ones failed by injection,
 * preemption on.
 */
#define FIXTURE_CLEAN
#include "devclass_atomic.c"
