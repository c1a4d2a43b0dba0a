// SPDX-License-Identifier: GPL-2.0
/* devmodel fixture: exit forgets release_firmware (device.firmware-leak) */
#define DM_FIRMWARE_LEAK
#include "devmodel.h"
