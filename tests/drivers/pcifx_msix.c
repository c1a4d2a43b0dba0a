// SPDX-License-Identifier: GPL-2.0
/* pcifx fixture: e1000e's MSI-X disabled unseen and enabled again (pci.msix-twice) */
#define PF_MSIX
#include "pcifx.h"
