// SPDX-License-Identifier: GPL-2.0
/* pcifx fixture, the clean twin of all but pcifx_deep and pcifx_again: no defect macro */
#include "pcifx.h"
