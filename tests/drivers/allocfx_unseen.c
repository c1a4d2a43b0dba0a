// SPDX-License-Identifier: GPL-2.0
/* allocfx fixture: free_pages_exact and kvfree_sensitive of memory never seen made */
#define AF_UNSEEN
#include "allocfx.h"
