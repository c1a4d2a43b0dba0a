// SPDX-License-Identifier: GPL-2.0
/* Clean twin of workload_leak: frees the request when its buffer cannot be had. */
#define FIXTURE_CLEAN
#include "workload_leak.c"
