// SPDX-License-Identifier: GPL-2.0
/* heapfx fixture: a block kfree()d while a work item inside it is queued */
#define HF_QUEUED
#include "heapfx.h"
