// SPDX-License-Identifier: GPL-2.0
/* pcifx fixture: the device left enabled at remove (pci.enable-leak) */
#define PF_ENABLE_LEAK
#include "pcifx.h"
