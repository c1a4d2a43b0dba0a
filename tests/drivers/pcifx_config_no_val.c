// SPDX-License-Identifier: GPL-2.0
/* pcifx fixture: a config word read with no place for it (pci.read-config-no-val) */
#define PF_CONFIG_NO_VAL
#include "pcifx.h"
