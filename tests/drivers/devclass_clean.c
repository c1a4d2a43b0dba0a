// SPDX-License-Identifier: GPL-2.0
/*
 * Clean twin of the devclass_* fixtures: every call of devclass.h undone, in init's error path
 * and at exit.
 */
#include "devclass.h"
