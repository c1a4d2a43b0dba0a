// SPDX-License-Identifier: GPL-2.0
/* devclass fixture: device_destroy of a number no device_create made (device.destroy-uncreated) */
#define DC_DEVICE_UNCREATED
#include "devclass.h"
