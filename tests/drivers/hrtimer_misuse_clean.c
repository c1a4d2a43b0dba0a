// SPDX-License-Identifier: GPL-2.0
/* Clean twin of hrtimer_misuse: sets up both timers, cancels before initialising again. */
#define FIXTURE_CLEAN
#include "hrtimer_misuse.c"
