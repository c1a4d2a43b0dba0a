// SPDX-License-Identifier: GPL-2.0
/* Clean twin of irq_unrequested: the error path frees only what it requested. */
#define FIXTURE_CLEAN
#include "irq_unrequested.c"
