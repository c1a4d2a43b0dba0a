// SPDX-License-Identifier: GPL-2.0
/* Clean twin of warn_alloc: an empty slot is skipped without a warning. */
#define FIXTURE_CLEAN
#include "warn_alloc.c"
