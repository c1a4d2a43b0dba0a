// SPDX-License-Identifier: GPL-2.0
/* slabfx fixture: a slab cache never destroyed (heap.cache-leak) */
#define SF_CACHE_LEAK
#include "slabfx.h"
