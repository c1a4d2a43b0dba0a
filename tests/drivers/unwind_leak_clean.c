// SPDX-License-Identifier: GPL-2.0
/* Clean twin of unwind_leak: every allocation failure unwinds to the right label. */
#define FIXTURE_CLEAN
#include "unwind_leak.c"
