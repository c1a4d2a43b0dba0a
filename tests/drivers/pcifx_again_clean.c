// SPDX-License-Identifier: GPL-2.0
/* Clean twin of pcifx_again */
#define FIXTURE_CLEAN
#include "pcifx_again.c"
