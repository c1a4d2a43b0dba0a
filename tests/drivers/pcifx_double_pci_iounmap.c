// SPDX-License-Identifier: GPL-2.0
/* pcifx fixture: a BAR mapping pci_iounmap()ed twice (pci.double-pci-iounmap) */
#define PF_DOUBLE_PCI_IOUNMAP
#include "pcifx.h"
