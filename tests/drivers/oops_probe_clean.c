// SPDX-License-Identifier: GPL-2.0
/* Clean twin of oops_probe: checks the allocation before using it. */
#define FIXTURE_CLEAN
#include "oops_probe.c"
