// SPDX-License-Identifier: GPL-2.0
/* Clean twin of timer_freed: stops the timer before its memory goes, and frees the leak's holder. */
#define FIXTURE_CLEAN
#include "timer_freed.c"
