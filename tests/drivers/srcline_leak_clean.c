// SPDX-License-Identifier: GPL-2.0
/* Clean twin of srcline_leak: frees the helper's block at unload. */
#define FIXTURE_CLEAN
#include "srcline_leak.c"
