// SPDX-License-Identifier: GPL-2.0
/* dmafx fixture, the clean twin of the defects without injection: no defect macro */
#include "dmafx.h"
