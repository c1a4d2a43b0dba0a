// SPDX-License-Identifier: GPL-2.0
/* pcifx fixture: the MSI vector never freed (pci.vectors-leak) */
#define PF_VECTORS_LEAK
#include "pcifx.h"
