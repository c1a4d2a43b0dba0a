// SPDX-License-Identifier: GPL-2.0
/* Clean twin of managed_action */
#define FIXTURE_CLEAN
#include "managed_action.c"
