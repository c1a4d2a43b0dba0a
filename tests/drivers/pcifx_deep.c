// SPDX-License-Identifier: GPL-2.0
/* pcifx fixture: 256 enables, one past the bound (pci.enable-depth) */
#define PF_DEEP
#include "pcifx.h"
