// SPDX-License-Identifier: GPL-2.0
/* Clean twin of dmasg_twice */
#define FIXTURE_CLEAN
#include "dmasg_twice.c"
