// SPDX-License-Identifier: GPL-2.0
/* Clean twin of managed_irq_twice */
#define FIXTURE_CLEAN
#include "managed_irq_twice.c"
