// SPDX-License-Identifier: GPL-2.0
/* irqfx fixture: disable calls nested past 32; one enable_irq too many */
#define IF_DEPTH
#include "irqfx.h"
