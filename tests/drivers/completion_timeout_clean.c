// SPDX-License-Identifier: GPL-2.0
/* Clean twin of completion_timeout: frees the buffer on the timeout path too. */
#define FIXTURE_CLEAN
#include "completion_timeout.c"
