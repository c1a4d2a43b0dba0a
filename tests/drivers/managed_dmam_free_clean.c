// SPDX-License-Identifier: GPL-2.0
/* Clean twin of managed_dmam_free */
#define FIXTURE_CLEAN
#include "managed_dmam_free.c"
