// SPDX-License-Identifier: GPL-2.0
/* Clean twin of dmasg_nents */
#define FIXTURE_CLEAN
#include "dmasg_nents.c"
