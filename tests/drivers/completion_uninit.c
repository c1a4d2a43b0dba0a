// SPDX-License-Identifier: GPL-2.0
/*
 * ddv fixture that uses a completion whose wait list no initialiser wrote.
 *
 * Built as completion_uninit (the defect: init_completion() is missing) and,
 * through completion_uninit_clean.c which defines FIXTURE_CLEAN, as its clean
 * twin that initialises the completion first. ddv must report every call on
 * the uninitialised completion (complete, complete_all, each family of waits,
 * try_wait_for_completion, completion_done: specs/linux/sched.ddv), and
 * nothing for the twin.
 */
#include <linux/module.h>
#include <linux/completion.h>
#include <linux/jiffies.h>

/* Static, so zeroed: what the wait list looks like when no initialiser ran. */
static struct completion fixture_done;

static void fixture_waits(struct completion *c)
{
	/* Each wait finds done > 0, so it returns without touching the wait list. */
	complete(c);
	wait_for_completion(c);
	complete(c);
	if (!wait_for_completion_timeout(c, HZ))
		pr_warn("%s: wait_for_completion_timeout timed out\n", KBUILD_MODNAME);
	complete(c);
	if (wait_for_completion_interruptible(c))
		pr_warn("%s: wait_for_completion_interruptible interrupted\n", KBUILD_MODNAME);
	complete(c);
	if (wait_for_completion_interruptible_timeout(c, HZ) <= 0)
		pr_warn("%s: wait_for_completion_interruptible_timeout failed\n", KBUILD_MODNAME);
	complete(c);
	if (!try_wait_for_completion(c))
		pr_warn("%s: try_wait_for_completion found nothing\n", KBUILD_MODNAME);
	if (completion_done(c))
		pr_warn("%s: completion_done with done at 0\n", KBUILD_MODNAME);
	complete_all(c);
}

static int __init completion_uninit_init(void)
{
#ifdef FIXTURE_CLEAN
	init_completion(&fixture_done);
#else
	/*
	 * The defect: no init_completion(). Only the list's forward link is set
	 * (to the list itself), so that without ddv complete() and complete_all()
	 * find the list empty and never follow the NULL back link; ddv sees a
	 * list head no initialiser wrote.
	 */
	fixture_done.wait.task_list.next = &fixture_done.wait.task_list;
#endif
	fixture_waits(&fixture_done);
	pr_info("%s: completion used %s\n", KBUILD_MODNAME,
		fixture_done.wait.task_list.prev ? "initialised" : "uninitialised");
	return 0;
}

static void __exit completion_uninit_exit(void)
{
}

module_init(completion_uninit_init);
module_exit(completion_uninit_exit);
MODULE_DESCRIPTION("ddv fixture: completion used without init_completion");
MODULE_LICENSE("GPL");
