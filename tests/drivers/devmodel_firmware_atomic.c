// SPDX-License-Identifier: GPL-2.0
/*
 * devmodel fixture: init requests firmware with preemption off (linux.request_firmware.sleep-
 * in-atomic, may_sleep)
 */
#define DM_FIRMWARE_ATOMIC
#include "devmodel.h"
