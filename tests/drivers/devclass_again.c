// SPDX-License-Identifier: GPL-2.0
/*
 * devclass fixture, the twin of devclass_again_unseen: exit destroys a workqueue, the device and
 * a class, and makes each again, every release a direct call (no finding)
 */
#define DC_AGAIN
#include "devclass.h"
