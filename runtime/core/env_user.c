// SPDX-License-Identifier: GPL-2.0
/* env_user.c: the user-space half of env.h (the per-thread CPU number). */
#include "env.h"

__thread unsigned int env_user_cpu;
