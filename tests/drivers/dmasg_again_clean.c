// SPDX-License-Identifier: GPL-2.0
/* Clean twin of dmasg_again */
#define FIXTURE_CLEAN
#include "dmasg_again.c"
