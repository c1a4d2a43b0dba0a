// SPDX-License-Identifier: GPL-2.0
/*
 * ddv fixture: 1,000,000 more device, kobject and module references, past the bound
 * (device.get-depth, .kobject-get, .module-get, .module-get2): see devdeep.h
 */
#define DD_DEEP 1000000
#include "devdeep.h"
