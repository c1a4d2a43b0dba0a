// SPDX-License-Identifier: GPL-2.0
/* Clean twin of wait_atomic: the same calls, preemptible. */
#define FIXTURE_CLEAN
#include "wait_atomic.c"
