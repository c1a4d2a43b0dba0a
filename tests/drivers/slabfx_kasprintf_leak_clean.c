// SPDX-License-Identifier: GPL-2.0
/* Clean twin of slabfx_kasprintf_leak */
#define FIXTURE_CLEAN
#include "slabfx_kasprintf_leak.c"
