// SPDX-License-Identifier: GPL-2.0
/* pcifx fixture: all regions released twice (pci.release-all-unrequested) */
#define PF_RELEASE_ALL_TWICE
#include "pcifx.h"
