// SPDX-License-Identifier: GPL-2.0
/* Clean twin of timer_reinit: stops the timer before initialising it again. */
#define FIXTURE_CLEAN
#include "timer_reinit.c"
