// SPDX-License-Identifier: GPL-2.0
/* pcifx fixture: regions, mappings, vectors, MSI and the driver released unseen,
   made again (pci.*-twice, pci.*-live) */
#define PF_AGAIN
#include "pcifx.h"
