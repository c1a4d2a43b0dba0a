// SPDX-License-Identifier: GPL-2.0
/* Clean twin of managed_probe */
#define FIXTURE_CLEAN
#include "managed_probe.c"
