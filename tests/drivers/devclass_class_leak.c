// SPDX-License-Identifier: GPL-2.0
/* devclass fixture: exit forgets class_destroy (device.class-leak) */
#define DC_CLASS_LEAK
#include "devclass.h"
