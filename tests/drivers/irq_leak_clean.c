// SPDX-License-Identifier: GPL-2.0
/* Clean twin of irq_leak: frees its buffer when request_irq fails. */
#define FIXTURE_CLEAN
#include "irq_leak.c"
