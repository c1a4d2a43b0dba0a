// SPDX-License-Identifier: GPL-2.0
/*
 * ddv fixture that schedules tasklets before any initialiser gave them a
 * function.
 *
 * Built as tasklet_uninit (the defect: tasklet_setup() is missing; the
 * callback is filled in by hand after the tasklets were scheduled) and,
 * through tasklet_uninit_clean.c which defines FIXTURE_CLEAN, as its clean
 * twin that sets them up first. ddv must report tasklet.schedule-uninitialised
 * and tasklet.hi-schedule-uninitialised (specs/linux/timer.ddv), and nothing
 * for the twin.
 */
#include <linux/module.h>
#include <linux/interrupt.h>

static struct tasklet_struct fixture_tl, fixture_hi;

static void fixture_tl_fn(struct tasklet_struct *t)
{
	pr_info("%s: %s tasklet ran\n", KBUILD_MODNAME, t == &fixture_hi ? "hi" : "normal");
}

/*
 * Disabled while scheduled, so that the softirq leaves the tasklet queued
 * and never calls the NULL function; the function is filled in before the
 * tasklet is enabled again, so that the kernel stays sound without ddv.
 */
static void fixture_schedule(struct tasklet_struct *t, bool hi)
{
#ifdef FIXTURE_CLEAN
	tasklet_setup(t, fixture_tl_fn);
#endif
	tasklet_disable_nosync(t);
	if (hi)
		tasklet_hi_schedule(t);
	else
		tasklet_schedule(t);
	t->use_callback = true;
	t->callback = fixture_tl_fn;
	tasklet_enable(t);
}

static int __init tasklet_uninit_init(void)
{
	fixture_schedule(&fixture_tl, false);
	fixture_schedule(&fixture_hi, true);
	return 0;
}

static void __exit tasklet_uninit_exit(void)
{
	tasklet_kill(&fixture_tl);
	tasklet_kill(&fixture_hi);
}

module_init(tasklet_uninit_init);
module_exit(tasklet_uninit_exit);
MODULE_DESCRIPTION("ddv fixture: tasklets scheduled without a function");
MODULE_LICENSE("GPL");
