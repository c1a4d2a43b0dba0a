// SPDX-License-Identifier: GPL-2.0
/* Clean twin of double_free: clears the pointer it freed before the cleanup loop runs. */
#define FIXTURE_CLEAN
#include "double_free.c"
