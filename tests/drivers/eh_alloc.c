// SPDX-License-Identifier: GPL-2.0
/*
 * ddv fixture for event injection (ddv inject on): a driver whose commands
 * time out and whose error handler allocates. Its init issues two commands,
 * of kinds 1 and 2, as writing N to its "io" parameter issues one of kind N:
 * a request is allocated, then waited for with
 * wait_for_completion_timeout(&done, N jiffies) (the simulated device never
 * answers, so every command times out). The error
 * handler then allocates an abort message; when that allocation fails the
 * request leaks (the defect). The clean twin (eh_alloc_clean.c,
 * FIXTURE_CLEAN) frees it. Only a failure of the allocation right after the
 * wait reaches the defect: a trigger on the wait fails exactly that one
 * (ddv inject on wait_for_completion_timeout fail kmalloc), and only the
 * second command's with a condition on the wait's timeout (if arg2==2).
 * A command's failure is logged, not fatal: init succeeds.
 */
#include <linux/completion.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "fixture.h"

static DECLARE_COMPLETION(done);	/* never completed: the device does not answer */

static int eh_abort(void *req)
{
	void *abort = FIXTURE_FALLIBLE(kmalloc(32, GFP_KERNEL));

	if (!abort) {
#ifdef FIXTURE_CLEAN
		kfree(req);
#endif
		return -ENOMEM;	/* the defect: req is lost */
	}
	kfree(abort);
	kfree(req);
	return -EIO;
}

static int issue(unsigned long tmo)
{
	void *req = FIXTURE_FALLIBLE(kmalloc(64, GFP_KERNEL));

	if (!req)
		return -ENOMEM;
	reinit_completion(&done);
	if (!wait_for_completion_timeout(&done, tmo))
		return eh_abort(req);
	kfree(req);
	return 0;
}

static int io_set(const char *val, const struct kernel_param *kp)
{
	unsigned long tmo;

	if (kstrtoul(val, 0, &tmo) || !tmo || tmo > HZ)
		return -EINVAL;
	return issue(tmo);
}

static const struct kernel_param_ops io_ops = { .set = io_set };
module_param_cb(io, &io_ops, NULL, 0200);
MODULE_PARM_DESC(io, "write N: issue a command that times out after N jiffies");

static int __init eh_alloc_init(void)
{
	int err = issue(1), err2 = issue(2);

	if (err || err2)
		pr_info("eh_alloc: commands failed: %d %d\n", err, err2);
	return 0;
}

static void __exit eh_alloc_exit(void)
{
}

module_init(eh_alloc_init);
module_exit(eh_alloc_exit);
MODULE_DESCRIPTION("ddv fixture: an error handler's allocation, failed by a trigger");
MODULE_LICENSE("GPL");
