// SPDX-License-Identifier: GPL-2.0
/*
 * pcifx fixture: vectors and MSI-X asked for with min above max
 * (pci.vectors-range, pci.msix-range)
 */
#define PF_RANGES
#include "pcifx.h"
