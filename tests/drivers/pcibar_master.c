// SPDX-License-Identifier: GPL-2.0
/* pcibar fixture: bus mastering set before the device is enabled (pci.master-unenabled) */
#define PB_MASTER_UNENABLED
#include "pcibar.h"
