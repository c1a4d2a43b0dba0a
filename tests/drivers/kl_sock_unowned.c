// SPDX-License-Identifier: GPL-2.0
/* klever fixture: release_sock of a socket nobody locked (net.release-sock-unowned) */
#define KL_SOCK_UNOWNED
#include "klever.h"
