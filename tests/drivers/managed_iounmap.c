// SPDX-License-Identifier: GPL-2.0
/* managed fixture: iounmap of a devm_ioremap mapping (pci.iounmap-devm) */
#define MG_IOUNMAP
#include "managed.h"
