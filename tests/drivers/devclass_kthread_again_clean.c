// SPDX-License-Identifier: GPL-2.0
/* Clean twin of devclass_kthread_again: the first thread stopped with a direct call */
#define FIXTURE_CLEAN
#include "devclass_kthread_again.c"
