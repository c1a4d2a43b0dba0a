// SPDX-License-Identifier: GPL-2.0
/* slabfx fixture: a cache destroyed with an object allocated (heap.cache-destroy-busy) */
#define SF_CACHE_BUSY
#include "slabfx.h"
