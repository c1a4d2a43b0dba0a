// SPDX-License-Identifier: GPL-2.0
/* pcifx fixture: a BAR mapping iounmap()ed twice (pci.double-iounmap) */
#define PF_DOUBLE_IOUNMAP
#include "pcifx.h"
