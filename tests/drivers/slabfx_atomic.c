// SPDX-License-Identifier: GPL-2.0
/* slabfx fixture: kasprintf, kmem_cache_alloc with GFP_KERNEL, preemption off */
#define SF_ATOMIC
#include "slabfx.h"
