// SPDX-License-Identifier: GPL-2.0
/* heapfx fixture: kvfree, free_pages and krealloc of blocks ddv never saw made */
#define HF_UNSEEN
#include "heapfx.h"
