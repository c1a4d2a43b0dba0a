// SPDX-License-Identifier: GPL-2.0
/* allocfx fixture: alloc_pages_exact, vcalloc and kvfree_sensitive with preemption off */
#define AF_ATOMIC
#include "allocfx.h"
