// SPDX-License-Identifier: GPL-2.0
/* Clean twin of net_register_ignored. */
#define FIXTURE_CLEAN
#include "net_register_ignored.c"
