// SPDX-License-Identifier: GPL-2.0
/*
 * Clean twin of the devmodel_* fixtures: every call of devmodel.h undone, in init's error path
 * and at exit.
 */
#include "devmodel.h"
