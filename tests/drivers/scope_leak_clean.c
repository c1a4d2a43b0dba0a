// SPDX-License-Identifier: GPL-2.0
/* Clean twin of scope_leak: the scratch block is freed before the unlock. */
#define FIXTURE_CLEAN
#include "scope_leak.c"
