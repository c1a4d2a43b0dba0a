// SPDX-License-Identifier: GPL-2.0
/* managed fixture: probe devm_free_irq()s its IRQ twice (irq.devm-free-unrequested) */
#define MG_IRQ_TWICE
#include "managed.h"
