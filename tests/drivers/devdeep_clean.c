// SPDX-License-Identifier: GPL-2.0
/* ddv fixture, the twin of devdeep: 999,999 more references, at the bound and not past it */
#define DD_DEEP 999999
#include "devdeep.h"
