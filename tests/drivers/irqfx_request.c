// SPDX-License-Identifier: GPL-2.0
/* irqfx fixture: request_irq without a handler; a shared line without a dev_id */
#define IF_REQUEST
#include "irqfx.h"
