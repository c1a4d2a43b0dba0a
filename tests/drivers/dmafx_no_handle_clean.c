// SPDX-License-Identifier: GPL-2.0
/* Clean twin of dmafx_no_handle */
#define FIXTURE_CLEAN
#include "dmafx_no_handle.c"
