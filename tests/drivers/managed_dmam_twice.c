// SPDX-License-Identifier: GPL-2.0
/* managed fixture: probe dmam_free_coherent()s a buffer twice (dma.dmam-free-unrequested) */
#define MG_DMAM_TWICE
#include "managed.h"
