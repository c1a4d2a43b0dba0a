// SPDX-License-Identifier: GPL-2.0
/*
 * devclass fixture: exit forgets kobject_put after kobject_init_and_add (device.kobject-leak,
 * heap.leak)
 */
#define DC_KOBJECT_LEAK
#include "devclass.h"
