// SPDX-License-Identifier: GPL-2.0
/* Clean twin of net_napi_freed. */
#define FIXTURE_CLEAN
#include "net_napi_freed.c"
