// SPDX-License-Identifier: GPL-2.0
/* Clean twin of net_again. */
#define FIXTURE_CLEAN
#include "net_again.c"
