// SPDX-License-Identifier: GPL-2.0
/*
 * ddv fixture whose init leaks a buffer when a wait for a completion times out.
 *
 * Built as completion_timeout (the defect: the timeout path returns without
 * freeing the buffer) and, through completion_timeout_clean.c which defines
 * FIXTURE_CLEAN, as its clean twin that frees it. The completion is completed
 * before the wait, so only an injected timeout (ddv inject nth
 * wait_for_completion_timeout 1: sched.ddv gives the wait its failure value 0)
 * reaches the error path, as a device that never answers would. ddv must
 * report the leaked buffer (heap.leak) after the failed init, and nothing for
 * the twin.
 */
#include <linux/module.h>
#include <linux/completion.h>
#include <linux/jiffies.h>
#include <linux/slab.h>
#include "fixture.h"

static DECLARE_COMPLETION(fixture_ready);
static void *fixture_buf;

static int __init completion_timeout_init(void)
{
	fixture_buf = FIXTURE_FALLIBLE(kzalloc(256, GFP_KERNEL));
	if (!fixture_buf)
		return -ENOMEM;
	/* What the device's interrupt would do. */
	complete(&fixture_ready);
	if (!wait_for_completion_timeout(&fixture_ready, HZ)) {
		pr_warn("%s: the device did not answer\n", KBUILD_MODNAME);
#ifdef FIXTURE_CLEAN
		kfree(fixture_buf);
#endif
		return -ENODEV;
	}
	return 0;
}

static void __exit completion_timeout_exit(void)
{
	kfree(fixture_buf);
}

module_init(completion_timeout_init);
module_exit(completion_timeout_exit);
MODULE_DESCRIPTION("ddv fixture: buffer leaked when a completion wait times out");
MODULE_LICENSE("GPL");
