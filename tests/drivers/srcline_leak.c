// SPDX-License-Identifier: GPL-2.0
/*
 * ddv fixture whose leaked block is allocated in a static helper the
 * compiler inlines into init, so that a report must name the helper's line
 * of the call and init's line that calls the helper (ddv(8), SOURCE LINES;
 * tests/vm/stack-names.sh finds the lines by the SRCLINE marks). Init also
 * allocates a block of its own and frees both at unload; the defect leaves
 * the helper's block allocated. The clean twin (srcline_leak_clean.c,
 * FIXTURE_CLEAN) frees it.
 */
#include <linux/module.h>
#include <linux/slab.h>

static void *held, *own;

static __always_inline void *srcline_get(size_t size)
{
	return kzalloc(size, GFP_KERNEL);	/* SRCLINE: helper's call */
}

static int __init srcline_leak_init(void)
{
	own = kzalloc(32, GFP_KERNEL);		/* SRCLINE: init's own call */
	if (!own)
		return -ENOMEM;
	held = srcline_get(64);			/* SRCLINE: init calls the helper */
	if (!held) {
		kfree(own);
		return -ENOMEM;
	}
	return 0;
}

static void __exit srcline_leak_exit(void)
{
	kfree(own);
#ifdef FIXTURE_CLEAN
	kfree(held);
#endif
}

module_init(srcline_leak_init);
module_exit(srcline_leak_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ddv fixture: a block allocated in an inlined helper leaked at unload");
