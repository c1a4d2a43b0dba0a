// SPDX-License-Identifier: GPL-2.0
/* Clean twin of irqfx_request */
#define FIXTURE_CLEAN
#include "irqfx_request.c"
