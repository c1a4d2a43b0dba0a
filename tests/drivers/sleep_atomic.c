// SPDX-License-Identifier: GPL-2.0
/*
 * ddv fixture that frees vmalloc'ed memory under a spinlock: vfree() may
 * sleep when it is not called from an interrupt ("Context: May sleep if
 * called *not* from interrupt context", mm/vmalloc.c), and a task holding a
 * spinlock must not sleep.
 *
 * Built as sleep_atomic (the defect) and, through sleep_atomic_clean.c which
 * defines FIXTURE_CLEAN, as its clean twin that drops the lock first. ddv
 * must report linux.vfree.sleep-in-atomic (the may_sleep clause of vfree in
 * specs/linux/heap.ddv) at the vfree, and nothing for the twin.
 *
 * Both also make the calls that may_sleep's conditions allow under the lock,
 * so that a check that ignored them would make the twin dirty: a kvmalloc()
 * with GFP_ATOMIC (kmalloc_node alone: never vmalloc) and the kvfree() of
 * that kmalloc'ed block. The vfree of a small area sleeps only when the
 * kernel purges lazily freed areas, so running the defect is harmless.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>

#ifdef FIXTURE_CLEAN
#define FIXTURE_WHERE "after"
#else
#define FIXTURE_WHERE "under"
#endif

static DEFINE_SPINLOCK(fixture_lock);

static int __init sleep_atomic_init(void)
{
	void *ring, *small;

	ring = vmalloc(PAGE_SIZE);
	if (!ring)
		return -ENOMEM;
	spin_lock(&fixture_lock);
	small = kvmalloc(64, GFP_ATOMIC);
	kvfree(small);
#ifndef FIXTURE_CLEAN
	vfree(ring);
#endif
	spin_unlock(&fixture_lock);
#ifdef FIXTURE_CLEAN
	vfree(ring);
#endif
	pr_info("%s: ring freed " FIXTURE_WHERE " the lock\n", KBUILD_MODNAME);
	return 0;
}

static void __exit sleep_atomic_exit(void)
{
}

module_init(sleep_atomic_init);
module_exit(sleep_atomic_exit);
MODULE_DESCRIPTION("ddv fixture: vfree under a spinlock");
MODULE_LICENSE("GPL");
