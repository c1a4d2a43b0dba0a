// SPDX-License-Identifier: GPL-2.0
/*
 * devclass fixture: class_destroy of a class ddv never saw made, as a second class_destroy is
 * (device.class-destroy-dead)
 */
#define DC_CLASS_DEAD
#include "devclass.h"
