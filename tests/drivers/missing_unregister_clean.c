// SPDX-License-Identifier: GPL-2.0
/* Clean twin of missing_unregister: unregisters its PCI driver whichever allocation fails. */
#define FIXTURE_CLEAN
#include "missing_unregister.c"
