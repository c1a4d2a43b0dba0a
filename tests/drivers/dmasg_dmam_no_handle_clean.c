// SPDX-License-Identifier: GPL-2.0
/* Clean twin of dmasg_dmam_no_handle */
#define FIXTURE_CLEAN
#include "dmasg_dmam_no_handle.c"
