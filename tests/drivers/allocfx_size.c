// SPDX-License-Identifier: GPL-2.0
/* allocfx fixture: free_pages_exact with fewer pages than allocated */
#define AF_SIZE
#include "allocfx.h"
