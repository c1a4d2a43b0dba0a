// SPDX-License-Identifier: GPL-2.0
/* heapfx fixture: pages freed with another order; pages asked for beyond the largest order */
#define HF_ORDER
#include "heapfx.h"
