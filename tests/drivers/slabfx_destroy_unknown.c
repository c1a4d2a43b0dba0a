// SPDX-License-Identifier: GPL-2.0
/* slabfx fixture: a cache ddv never saw made destroyed (heap.cache-destroy-unknown) */
#define SF_DESTROY_UNKNOWN
#include "slabfx.h"
