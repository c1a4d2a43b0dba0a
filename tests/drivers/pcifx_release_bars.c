// SPDX-License-Identifier: GPL-2.0
/* pcifx fixture: BAR 0 released as BARs 0 and 1 (pci.release-bars) */
#define PF_RELEASE_BARS
#include "pcifx.h"
