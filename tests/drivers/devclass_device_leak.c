// SPDX-License-Identifier: GPL-2.0
/*
 * devclass fixture: exit forgets device_destroy and keeps the class (device.class-device-leak,
 * device.class-leak)
 */
#define DC_DEVICE_LEAK
#include "devclass.h"
