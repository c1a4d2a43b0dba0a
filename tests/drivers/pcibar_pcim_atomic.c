// SPDX-License-Identifier: GPL-2.0
/* pcibar fixture: pcim_iomap, pcim_iomap_regions with preemption off (linux.API.sleep-in-atomic) */
#define PB_PCIM
#define PB_PCIM_ATOMIC
#include "pcibar.h"
