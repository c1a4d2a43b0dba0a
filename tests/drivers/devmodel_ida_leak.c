// SPDX-License-Identifier: GPL-2.0
/* devmodel fixture: exit forgets ida_free and ida_destroy (device.ida-leak) */
#define DM_IDA_LEAK
#include "devmodel.h"
