// SPDX-License-Identifier: GPL-2.0
/*
 * devmodel fixture: init's error path keeps the reference it took on its module
 * (device.module-ref-leak)
 */
#define DM_MODREF_LEAK
#include "devmodel.h"
