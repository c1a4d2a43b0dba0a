// SPDX-License-Identifier: GPL-2.0
/* Clean twin of timerfx_hardirq */
#define FIXTURE_CLEAN
#include "timerfx_hardirq.c"
