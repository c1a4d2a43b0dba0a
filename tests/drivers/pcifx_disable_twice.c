// SPDX-License-Identifier: GPL-2.0
/* pcifx fixture: the device disabled twice (pci.disable-unenabled) */
#define PF_DISABLE_TWICE
#include "pcifx.h"
