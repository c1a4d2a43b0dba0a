// SPDX-License-Identifier: GPL-2.0
/*
 * ddv fixture: a block allocated inside a rule's leak scope outlives it.
 *
 * The rule is the test pack's (scope-pack/scopetest.ddv): between a
 * successful mutex_lock_interruptible() and the next mutex_unlock(), the
 * count of the driver's heap blocks must come back to where it was. Init
 * runs two critical sections. The first replaces a block made before it
 * (frees it, allocates another): the count is back, nothing to report,
 * though a block made inside is still live at the unlock. The second
 * allocates a scratch block of 96 bytes; the defect frees it only after the
 * unlock (at module exit), so the unload's leak check finds nothing and only
 * the scope sees it. The clean twin (scope_leak_clean.c, FIXTURE_CLEAN)
 * frees it before the unlock.
 *
 * After init, each write to /sys/module/scope_leak/parameters/section runs
 * one more such section from core text, so that a test can open a scope of
 * its own (ddv scope begin) around a rule's scope; the defect keeps its
 * block (up to 8, freed at exit), the twin frees it before the unlock.
 */
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>

static DEFINE_MUTEX(section_lock);
static void *cached, *scratch;
static void *kept[8];
static unsigned int nkept;

static int __init scope_leak_init(void)
{
	cached = kmalloc(32, GFP_KERNEL);
	if (!cached)
		return -ENOMEM;

	/* A replacement: one block freed, one allocated, the count is back. */
	if (mutex_lock_interruptible(&section_lock))
		goto free_cached;
	kfree(cached);
	cached = kmalloc(48, GFP_KERNEL);
	mutex_unlock(&section_lock);
	if (!cached)
		return -ENOMEM;

	/* Scratch memory of the critical section. */
	if (mutex_lock_interruptible(&section_lock))
		goto free_cached;
	scratch = kmalloc(96, GFP_KERNEL);
	if (!scratch) {
		mutex_unlock(&section_lock);
		goto free_cached;
	}
#ifdef FIXTURE_CLEAN
	kfree(scratch);
	scratch = NULL;
#endif
	mutex_unlock(&section_lock);	/* the defect: scratch is still allocated */
	return 0;

free_cached:
	kfree(cached);
	return -ENOMEM;
}

/* A write to the parameter section: one more critical section. */
static int run_section(const char *val, const struct kernel_param *kp)
{
	void *block;

	if (mutex_lock_interruptible(&section_lock))
		return -EINTR;
	block = kmalloc(96, GFP_KERNEL);
	if (!block) {
		mutex_unlock(&section_lock);
		return -ENOMEM;
	}
#ifdef FIXTURE_CLEAN
	kfree(block);
#else
	if (nkept < ARRAY_SIZE(kept))
		kept[nkept++] = block;	/* the defect: freed at exit, after the unlock */
	else
		kfree(block);
#endif
	mutex_unlock(&section_lock);
	return 0;
}

static const struct kernel_param_ops section_ops = { .set = run_section };
module_param_cb(section, &section_ops, NULL, 0200);
MODULE_PARM_DESC(section, "write anything: run one more critical section");

static void __exit scope_leak_exit(void)
{
	while (nkept)
		kfree(kept[--nkept]);
	kfree(scratch);
	kfree(cached);
}

module_init(scope_leak_init);
module_exit(scope_leak_exit);
MODULE_DESCRIPTION("ddv fixture: a block allocated under a lock outlives the unlock");
MODULE_LICENSE("GPL");
