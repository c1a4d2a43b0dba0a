// SPDX-License-Identifier: GPL-2.0
/*
 * devclass fixture, the twin of devclass_again_unseen: exit stops the thread and destroys the
 * plain workqueue, the device and the class, and makes each again, every release a direct call
 * (no finding)
 */
#define DC_AGAIN
#include "devclass.h"
