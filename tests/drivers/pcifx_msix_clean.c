// SPDX-License-Identifier: GPL-2.0
/* Clean twin of pcifx_msix */
#define FIXTURE_CLEAN
#include "pcifx_msix.c"
