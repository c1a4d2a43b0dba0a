// SPDX-License-Identifier: GPL-2.0
/* devmodel fixture: exit releases its I/O port region twice (device.region-release-unheld) */
#define DM_REGION_TWICE
#include "devmodel.h"
