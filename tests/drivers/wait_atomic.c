// SPDX-License-Identifier: GPL-2.0
/*
 * ddv fixture that waits and flushes with preemption disabled.
 *
 * Built as wait_atomic (the defect: every call below is made between
 * preempt_disable() and preempt_enable()) and, through wait_atomic_clean.c
 * which defines FIXTURE_CLEAN, as its clean twin that makes the same calls
 * preemptible. These functions may sleep (their kerneldoc says so), so ddv
 * must report each call as its contract's sleep-in-atomic rule
 * (specs/linux/sched.ddv, timer.ddv: may_sleep), and nothing for the twin.
 */
#include <linux/module.h>
#include <linux/completion.h>
#include <linux/interrupt.h>
#include <linux/jiffies.h>
#include <linux/preempt.h>
#include <linux/workqueue.h>

static DECLARE_COMPLETION(fixture_done);
static struct work_struct fixture_work;
static struct delayed_work fixture_dwork;
static struct tasklet_struct fixture_tl;
static struct workqueue_struct *fixture_wq;

static void fixture_work_fn(struct work_struct *work)
{
}

static void fixture_tl_fn(struct tasklet_struct *t)
{
}

/*
 * None of these sleeps here, which keeps the kernel sound without ddv:
 * each wait finds its completion done, the work items, the tasklet and the
 * workqueue are idle (never queued, never scheduled). A driver cannot
 * count on that: the calls sleep as soon as there is something to wait for.
 */
static void fixture_calls(void)
{
	complete(&fixture_done);
	wait_for_completion(&fixture_done);
	complete(&fixture_done);
	wait_for_completion_timeout(&fixture_done, HZ);
	complete(&fixture_done);
	if (wait_for_completion_interruptible(&fixture_done))
		pr_warn("%s: wait_for_completion_interruptible interrupted\n", KBUILD_MODNAME);
	complete(&fixture_done);
	wait_for_completion_interruptible_timeout(&fixture_done, HZ);
	flush_work(&fixture_work);
	flush_delayed_work(&fixture_dwork);
	cancel_work_sync(&fixture_work);
	cancel_delayed_work_sync(&fixture_dwork);
	tasklet_kill(&fixture_tl);
	flush_workqueue(fixture_wq);
	drain_workqueue(fixture_wq);
}

static int __init wait_atomic_init(void)
{
	fixture_wq = alloc_workqueue("wait_atomic", 0, 0);
	if (!fixture_wq)
		return -ENOMEM;
	INIT_WORK(&fixture_work, fixture_work_fn);
	INIT_DELAYED_WORK(&fixture_dwork, fixture_work_fn);
	tasklet_setup(&fixture_tl, fixture_tl_fn);
#ifndef FIXTURE_CLEAN
	preempt_disable();
#endif
	fixture_calls();
#ifndef FIXTURE_CLEAN
	preempt_enable();
#endif
	pr_info("%s: waited and flushed\n", KBUILD_MODNAME);
	return 0;
}

static void __exit wait_atomic_exit(void)
{
	destroy_workqueue(fixture_wq);
}

module_init(wait_atomic_init);
module_exit(wait_atomic_exit);
MODULE_DESCRIPTION("ddv fixture: waits and flushes with preemption disabled");
MODULE_LICENSE("GPL");
