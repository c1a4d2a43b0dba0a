// SPDX-License-Identifier: GPL-2.0
/*
 * vdrv.c: an example driver of the vendor core, with one seeded defect: when
 * its second channel cannot be taken, init returns without giving the first
 * back. The channels are always free in a fresh system, so the error path runs
 * only when ddv fails the second vcore_get_channel() by injection
 * (ddv inject nth vcore_get_channel 2); without it, the driver is clean.
 */
#include <linux/module.h>
#include <vcore.h>

static struct vcore_channel *vdrv_rx, *vdrv_tx;

static int __init vdrv_init(void)
{
	vdrv_rx = vcore_get_channel(0);
	if (!vdrv_rx)
		return -EBUSY;
	vdrv_tx = vcore_get_channel(1);
	if (!vdrv_tx)
		return -EBUSY;	/* the defect: vdrv_rx is never put back */
	return 0;
}
module_init(vdrv_init);

static void __exit vdrv_exit(void)
{
	vcore_put_channel(vdrv_tx);
	vcore_put_channel(vdrv_rx);
}
module_exit(vdrv_exit);

MODULE_DESCRIPTION("ddv example: a driver of the vendor core, leaking a channel on an error path");
MODULE_LICENSE("GPL");
