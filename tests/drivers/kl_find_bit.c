// SPDX-License-Identifier: GPL-2.0
/* klever fixture: find_next_bit from past the bitmap (lib.find-bit-offset) */
#define KL_FIND_BIT
#include "klever.h"
