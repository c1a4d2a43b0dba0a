// SPDX-License-Identifier: GPL-2.0
/* allocfx fixture: exact pages and a vcalloc'ed array freed unseen and made again */
#define AF_AGAIN
#include "allocfx.h"
