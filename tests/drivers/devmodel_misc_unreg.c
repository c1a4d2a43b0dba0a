// SPDX-License-Identifier: GPL-2.0
/*
 * devmodel fixture: exit deregisters a misc device never registered (device.misc-deregister-
 * unregistered)
 */
#define DM_MISC_UNREGISTERED
#include "devmodel.h"
