// SPDX-License-Identifier: GPL-2.0
/* Clean twin of managed_dmam_twice */
#define FIXTURE_CLEAN
#include "managed_dmam_twice.c"
