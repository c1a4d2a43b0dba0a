// SPDX-License-Identifier: GPL-2.0
/* timerfx fixture: add_timer of a pending timer */
#define TF_ADD_PENDING
#include "timerfx.h"
