// SPDX-License-Identifier: GPL-2.0
/* pcibar fixture: pcim_iounmap of a pci_iomap mapping (pci.pcim-iounmap-unmapped) */
#define PB_PCIM
#define PB_PCIM_UNMAPPED
#include "pcibar.h"
