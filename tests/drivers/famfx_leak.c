// SPDX-License-Identifier: GPL-2.0
/*
 * ddv fixture: a driver of a family (with famfx_helper) that leaks a block
 * its helper made.
 *
 * Init takes a 72-byte block from the helper (famfx_get: the helper's
 * kzalloc) and makes a 40-byte block that it hands to the helper to free at
 * exit (famfx_release: the helper's kfree). Checked as a family, both are
 * one object space: the helper's free of the driver's block is seen. The
 * defect: exit never frees the helper's block, a heap.leak whose site is the
 * helper's (famfx_get). The clean twin (famfx_leak_clean.c) frees it; loaded
 * alone (ddv load --alone) the twin shows the false leak a family removes:
 * its 40-byte block, freed where ddv does not look.
 */
#include <linux/module.h>
#include <linux/slab.h>

void *famfx_get(size_t size);
void famfx_release(void *p);

static void *from_helper, *to_helper;

static int __init famfx_init(void)
{
	from_helper = famfx_get(72);
	if (!from_helper)
		return -ENOMEM;
	to_helper = kzalloc(40, GFP_KERNEL);
	if (!to_helper) {
		kfree(from_helper);
		return -ENOMEM;
	}
	return 0;
}

static void __exit famfx_exit(void)
{
	famfx_release(to_helper);
#ifdef FIXTURE_CLEAN
	kfree(from_helper);
#endif
}

module_init(famfx_init);
module_exit(famfx_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ddv fixture: a driver family's leak of its helper's block");
