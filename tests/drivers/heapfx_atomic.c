// SPDX-License-Identifier: GPL-2.0
/* heapfx fixture: nine allocators with GFP_KERNEL, preemption off */
#define HF_ATOMIC
#include "heapfx.h"
