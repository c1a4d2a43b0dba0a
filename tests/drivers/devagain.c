// SPDX-License-Identifier: GPL-2.0
/*
 * ddv fixture: device-model objects released where ddv does not see it and made again at the
 * key ddv holds live (device.chrdev-alloc-live, .chrdev-register-live, .chrdev-live,
 * .cdev-device-add-live, .misc-register-live, .region-live, .release-resource-live,
 * .firmware-live, .debugfs-create-live): see devagain.h.
 */
#include "devagain.h"
