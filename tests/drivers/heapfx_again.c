// SPDX-License-Identifier: GPL-2.0
/* heapfx fixture: blocks freed unseen and allocated again at the address ddv holds live */
#define HF_AGAIN
#include "heapfx.h"
