// SPDX-License-Identifier: GPL-2.0
/* devmodel fixture: exit forgets idr_remove and idr_destroy (device.idr-leak) */
#define DM_IDR_LEAK
#include "devmodel.h"
