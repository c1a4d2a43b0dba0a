// SPDX-License-Identifier: GPL-2.0
/* Clean twin of dmasg_table_leak */
#define FIXTURE_CLEAN
#include "dmasg_table_leak.c"
