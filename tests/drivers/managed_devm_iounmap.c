// SPDX-License-Identifier: GPL-2.0
/* managed fixture: devm_iounmap of an ioremap mapping (pci.devm-iounmap-unmapped) */
#define MG_DEVM_IOUNMAP
#include "managed.h"
