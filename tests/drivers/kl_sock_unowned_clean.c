// SPDX-License-Identifier: GPL-2.0
/* Clean twin of kl_sock_unowned */
#define FIXTURE_CLEAN
#include "kl_sock_unowned.c"
