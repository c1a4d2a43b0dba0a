// SPDX-License-Identifier: GPL-2.0
/*
 * ddv fixture: an allocation with __GFP_NOFAIL, which the kernel never fails
 * (include/linux/gfp_types.h), beside one without. The driver trusts the
 * first, as it may; when the second fails it returns without freeing the
 * first (heap.leak). The clean twin (FIXTURE_CLEAN) frees it.
 *
 * Under `ddv inject random all 100` (tests/vm/fixture-slab.sh) only the
 * second call may fail: the leak proves the first was not failed, and the
 * report counts one fault injected. A campaign tries the second call alone
 * (one load after the recording): the recording lists no NOFAIL call.
 */
#include <linux/module.h>
#include <linux/slab.h>

static void *sf_trusted, *sf_other;

static int __init slabfx_nofail_init(void)
{
	sf_trusted = kmalloc(64, GFP_KERNEL | __GFP_NOFAIL);
	sf_other = kmalloc(64, GFP_KERNEL);
	if (!sf_other) {
#ifdef FIXTURE_CLEAN
		kfree(sf_trusted);
#endif
		return -ENOMEM;
	}
	return 0;
}

static void __exit slabfx_nofail_exit(void)
{
	kfree(sf_other);
	kfree(sf_trusted);
}

module_init(slabfx_nofail_init);
module_exit(slabfx_nofail_exit);
MODULE_DESCRIPTION("ddv fixture: a __GFP_NOFAIL allocation is never failed");
MODULE_LICENSE("GPL");
