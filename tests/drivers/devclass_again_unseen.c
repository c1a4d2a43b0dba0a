// SPDX-License-Identifier: GPL-2.0
/*
 * devclass fixture: a workqueue, the device and a class released where ddv does not see it and
 * made again while ddv holds them live (timer.workqueue-alloc-live, device.class-device-live,
 * device.class-create-live)
 */
#define DC_AGAIN
#define DC_UNSEEN
#include "devclass.h"
