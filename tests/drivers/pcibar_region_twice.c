// SPDX-License-Identifier: GPL-2.0
/* pcibar fixture: remove releases its BAR twice (pci.release-region-unrequested) */
#define PB_REGION_TWICE
#include "pcibar.h"
