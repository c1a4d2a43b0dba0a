// SPDX-License-Identifier: GPL-2.0
/* heapfx fixture: a vmalloc'ed ring leaked when the allocation after it fails */
#define HF_VLEAK
#include "heapfx.h"
