// SPDX-License-Identifier: GPL-2.0
/* Clean twin of pcifx_deep */
#define FIXTURE_CLEAN
#include "pcifx_deep.c"
