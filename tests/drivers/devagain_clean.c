// SPDX-License-Identifier: GPL-2.0
/* Clean twin of devagain */
#define FIXTURE_CLEAN
#include "devagain.c"
