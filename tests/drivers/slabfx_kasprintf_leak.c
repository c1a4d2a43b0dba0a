// SPDX-License-Identifier: GPL-2.0
/* slabfx fixture: a kasprintf string never freed (heap.leak) */
#define SF_KASPRINTF_LEAK
#include "slabfx.h"
