// SPDX-License-Identifier: GPL-2.0
/* Clean twin of completion_uninit: initialises the completion before using it. */
#define FIXTURE_CLEAN
#include "completion_uninit.c"
