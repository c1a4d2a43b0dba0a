// SPDX-License-Identifier: GPL-2.0
/* Clean twin of timer_freed: stops the timer before its memory goes, frees the leaked holder. */
#define FIXTURE_CLEAN
#include "timer_freed.c"
