// SPDX-License-Identifier: GPL-2.0
/*
 * ddv fixture whose defect only the driver's use reaches, not its load or
 * unload: writing its "act" parameter (the workload) allocates a request and
 * its buffer, and when the buffer's allocation fails the request leaks. A
 * campaign of load and unload alone never makes those calls; one with
 * --workload 'echo 1 >/sys/module/workload_leak/parameters/act' fails each in
 * turn. The clean twin (workload_leak_clean.c, FIXTURE_CLEAN) frees the request.
 */
#include <linux/module.h>
#include <linux/slab.h>

#include "fixture.h"

static void *request, *buffer;

static int act_set(const char *val, const struct kernel_param *kp)
{
	void *r, *b;

	r = FIXTURE_FALLIBLE(kmalloc(64, GFP_KERNEL));
	if (!r)
		return -ENOMEM;
	b = FIXTURE_FALLIBLE(kmalloc(256, GFP_KERNEL));
	if (!b) {
#ifdef FIXTURE_CLEAN
		kfree(r);
#endif
		return -ENOMEM;	/* the defect: r is lost */
	}
	kfree(request);
	kfree(buffer);
	request = r;
	buffer = b;
	return 0;
}

static const struct kernel_param_ops act_ops = { .set = act_set };
module_param_cb(act, &act_ops, NULL, 0200);
MODULE_PARM_DESC(act, "write anything: allocate a request and its buffer");

/* What init returns: -ETIMEDOUT (-110) is an init's own error, not a watchdog's hang. */
static int init_err;
module_param(init_err, int, 0444);
MODULE_PARM_DESC(init_err, "the error init returns (0: it loads)");

static int __init workload_leak_init(void)
{
	return init_err;
}

static void __exit workload_leak_exit(void)
{
	kfree(request);
	kfree(buffer);
}

module_init(workload_leak_init);
module_exit(workload_leak_exit);
MODULE_DESCRIPTION("ddv fixture: a leak on an error path of the driver's use (its workload)");
MODULE_LICENSE("GPL");
