// SPDX-License-Identifier: GPL-2.0
/*
 * slabfx fixture: an object freed where ddv does not see it and allocated again at the address
 * ddv holds live (heap.slab-live; the cache then looks busy to ddv: heap.cache-destroy-busy)
 */
#define SF_AGAIN
#include "slabfx.h"
