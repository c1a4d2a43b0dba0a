// SPDX-License-Identifier: GPL-2.0
/*
 * managed fixture: probe kfree()s a devm block that devres frees again at unbind
 * (heap.kfree-devm)
 */
#define MG_KFREE
#include "managed.h"
