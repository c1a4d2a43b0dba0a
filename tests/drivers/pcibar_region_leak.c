// SPDX-License-Identifier: GPL-2.0
/* pcibar fixture: remove forgets its BAR (pci.regions-leak) */
#define PB_REGION_LEAK
#include "pcibar.h"
