// SPDX-License-Identifier: GPL-2.0
/* slabfx fixture: an object freed to another cache (heap.slab-free-other) */
#define SF_FREE_OTHER
#include "slabfx.h"
