// SPDX-License-Identifier: GPL-2.0
/*
 * managed fixture: probe free_irq()s the IRQ devm_request_irq gave it (irq.free-devm)
 */
#define MG_FREE_IRQ
#include "managed.h"
