// SPDX-License-Identifier: GPL-2.0
/* Clean twin of managed_devm_iounmap */
#define FIXTURE_CLEAN
#include "managed_devm_iounmap.c"
