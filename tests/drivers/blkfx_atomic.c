// SPDX-License-Identifier: GPL-2.0
/*
 * ddv fixture: the fallible may_sleep calls of specs/linux/block.ddv, made with preemption off
 * (the rules <pack>.<api>.sleep-in-atomic). Run under `ddv inject random all 100`: every call
 * fails by injection, so that none runs in the kernel (their arguments are placeholders) and
 * none sleeps in atomic context for real; the context check comes before the call.
 * blkfx_atomic_clean.c (FIXTURE_CLEAN) makes the same calls with preemption on: no finding.
 * __blk_alloc_disk is not injected (block.ddv says why): it is left out.
 */
#include <linux/module.h>
#include <linux/blkdev.h>
#include <linux/blk-mq.h>
#include <linux/err.h>
#include <linux/version.h>

static struct blk_mq_tag_set ba_set;
static struct gendisk ba_disk;
static int ba_failed;

#define BA_FAILS(call) (ba_failed += !!(call))

static void ba_calls(void)
{
	BA_FAILS(register_blkdev(0, KBUILD_MODNAME) < 0);
	BA_FAILS(blk_mq_alloc_tag_set(&ba_set));
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
	BA_FAILS(IS_ERR(blk_mq_alloc_queue(&ba_set, NULL, NULL)));
	BA_FAILS(IS_ERR(blk_mq_alloc_disk(&ba_set, NULL, NULL)));
#else
	BA_FAILS(IS_ERR(blk_mq_init_queue(&ba_set)));
	BA_FAILS(IS_ERR(blk_mq_alloc_disk(&ba_set, NULL)));
#endif
	BA_FAILS(!blk_mq_alloc_disk_for_queue(NULL, NULL));
	BA_FAILS(add_disk(&ba_disk));
}

static int __init ba_init(void)
{
#ifndef FIXTURE_CLEAN
	preempt_disable();
#endif
	ba_calls();
#ifndef FIXTURE_CLEAN
	preempt_enable();
#endif
	pr_info("%s: %d of 6 calls failed\n", KBUILD_MODNAME, ba_failed);
	return 0;
}

static void __exit ba_exit(void)
{
}

module_init(ba_init);
module_exit(ba_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ddv fixture: block.ddv's fallible may_sleep calls in atomic context");
