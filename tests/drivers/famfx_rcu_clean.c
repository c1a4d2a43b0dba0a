// SPDX-License-Identifier: GPL-2.0
/* Clean twin of famfx_rcu. */
#define FIXTURE_CLEAN
#include "famfx_rcu.c"
