// SPDX-License-Identifier: GPL-2.0
/* slabfx fixture: kfree_sensitive of a block ddv never saw (heap.sensitive-double-free) */
#define SF_SENSITIVE
#include "slabfx.h"
