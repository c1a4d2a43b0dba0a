// SPDX-License-Identifier: GPL-2.0
/* pcibar fixture: pci_iounmap of a pcim_iomap_regions mapping (pci.iounmap-pcim) */
#define PB_PCIM
#include "pcibar.h"
