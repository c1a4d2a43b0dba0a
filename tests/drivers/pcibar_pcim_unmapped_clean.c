// SPDX-License-Identifier: GPL-2.0
/* Clean twin of pcibar_pcim_unmapped */
#define FIXTURE_CLEAN
#include "pcibar_pcim_unmapped.c"
