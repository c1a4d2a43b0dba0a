// SPDX-License-Identifier: GPL-2.0
/* Clean twin of the pcibar_* fixtures: the BAR released once, mastering set once enabled. */
#include "pcibar.h"
