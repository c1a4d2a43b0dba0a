// SPDX-License-Identifier: GPL-2.0
/* slabfx fixture: kmem_cache_free of a kmalloc block (heap.slab-double-free) */
#define SF_FREE_UNKNOWN
#include "slabfx.h"
