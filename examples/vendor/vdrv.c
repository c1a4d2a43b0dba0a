// SPDX-License-Identifier: GPL-2.0
/*
 * vdrv.c: an example driver of the vendor core, with three seeded defects.
 * When its second channel cannot be taken, init returns without giving the
 * first back: the channels are free in a fresh system, so that error path
 * runs only when ddv fails the second vcore_get_channel() by injection
 * (ddv inject nth vcore_get_channel 2). With put_twice=1, exit gives its
 * first channel back twice. With keep_ring=1, exit never frees the rx ring
 * that vcore_alloc_buf() gave it: heap memory that pack linux's heap.leak
 * reports only because vendor.ddv imports linux's heap type. Loaded and
 * unloaded plainly, the driver is clean (its kfree of a vcore block too).
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <vcore.h>

static bool put_twice;
module_param(put_twice, bool, 0444);
MODULE_PARM_DESC(put_twice, "the second defect: give the rx channel back twice at exit");

static int base;
module_param(base, int, 0444);
MODULE_PARM_DESC(base, "the rx channel's number (tx is the next one)");

static bool keep_ring;
module_param(keep_ring, bool, 0444);
MODULE_PARM_DESC(keep_ring, "the third defect: exit forgets to kfree the rx ring");

static struct vcore_channel *vdrv_rx, *vdrv_tx;
static void *vdrv_rx_ring, *vdrv_tx_ring;

static int __init vdrv_init(void)
{
	vdrv_rx = vcore_get_channel(base);
	if (!vdrv_rx)
		return -EBUSY;
	vdrv_tx = vcore_get_channel(base + 1);
	if (!vdrv_tx)
		return -EBUSY;	/* the defect: vdrv_rx is never given back */
	vdrv_rx_ring = vcore_alloc_buf(512);
	vdrv_tx_ring = vcore_alloc_buf(256);
	if (!vdrv_rx_ring || !vdrv_tx_ring) {
		kfree(vdrv_rx_ring);
		vcore_free_buf(vdrv_tx_ring);
		vcore_put_channel(vdrv_tx);
		vcore_put_channel(vdrv_rx);
		return -ENOMEM;
	}
	return 0;
}
module_init(vdrv_init);

static void __exit vdrv_exit(void)
{
	if (!keep_ring)
		kfree(vdrv_rx_ring);	/* pack linux's kfree, on the vendor's block */
	vcore_free_buf(vdrv_tx_ring);	/* the vendor's free of a linux heap block */
	vcore_put_channel(vdrv_tx);
	vcore_put_channel(vdrv_rx);
	if (put_twice)
		vcore_put_channel(vdrv_rx);	/* the second defect */
}
module_exit(vdrv_exit);

MODULE_DESCRIPTION("ddv example: a driver of the vendor core, with seeded defects");
MODULE_LICENSE("GPL");
