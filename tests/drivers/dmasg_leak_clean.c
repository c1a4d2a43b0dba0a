// SPDX-License-Identifier: GPL-2.0
/* Clean twin of dmasg_leak */
#define FIXTURE_CLEAN
#include "dmasg_leak.c"
