// SPDX-License-Identifier: GPL-2.0
/* Clean twin of dmasg_dir */
#define FIXTURE_CLEAN
#include "dmasg_dir.c"
