// SPDX-License-Identifier: GPL-2.0
/* ddv fixture: register_netdev failure ignored; exit unregisters (net.unregister-unregistered). */
#define NETFX_REGISTER_IGNORED
#include "netfx.h"
