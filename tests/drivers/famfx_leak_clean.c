// SPDX-License-Identifier: GPL-2.0
/* Clean twin of famfx_leak: frees the helper's block at exit. */
#define FIXTURE_CLEAN
#include "famfx_leak.c"
