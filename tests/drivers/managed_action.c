// SPDX-License-Identifier: GPL-2.0
/* managed fixture: a devm action on a device outliving the driver (device.devm-action-outlives) */
#define MG_ACTION
#include "managed.h"
