// SPDX-License-Identifier: GPL-2.0
/* allocfx fixture: a vcalloc'ed array and exact pages leaked on an error path */
#define AF_LEAK
#include "allocfx.h"
