// SPDX-License-Identifier: GPL-2.0
/* pcifx fixture: BAR 0 released twice (pci.release-unrequested) */
#define PF_RELEASE_TWICE
#include "pcifx.h"
