// SPDX-License-Identifier: GPL-2.0
/* Clean twin of timerfx_add_uninit */
#define FIXTURE_CLEAN
#include "timerfx_add_uninit.c"
