// SPDX-License-Identifier: GPL-2.0
/* Clean twin of tasklet_uninit: sets the tasklets up before scheduling them. */
#define FIXTURE_CLEAN
#include "tasklet_uninit.c"
