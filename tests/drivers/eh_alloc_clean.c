// SPDX-License-Identifier: GPL-2.0
/* Clean twin of eh_alloc: frees the request when the abort message cannot be had. */
#define FIXTURE_CLEAN
#include "eh_alloc.c"
