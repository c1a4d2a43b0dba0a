// SPDX-License-Identifier: GPL-2.0
/*
 * pcifx fixture: a driver unregistered that ddv never saw registered
 * (pci.unregister-unregistered)
 */
#define PF_UNREGISTERED
#include "pcifx.h"
