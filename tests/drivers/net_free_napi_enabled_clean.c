// SPDX-License-Identifier: GPL-2.0
/* Clean twin of net_free_napi_enabled. */
#define FIXTURE_CLEAN
#include "net_free_napi_enabled.c"
