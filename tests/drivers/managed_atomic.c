// SPDX-License-Identifier: GPL-2.0
/* managed fixture: the sleeping managed calls with preemption off (linux.API.sleep-in-atomic) */
#define MG_ATOMIC
#include "managed.h"
