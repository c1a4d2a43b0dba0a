// SPDX-License-Identifier: GPL-2.0
/*
 * ddv fixture that misuses hrtimers twice: it starts a timer that
 * hrtimer_init() never set up (a struct copy of a set-up one), and
 * initialises a timer again while it is queued.
 *
 * Built as hrtimer_misuse (the defects) and, through hrtimer_misuse_clean.c
 * which defines FIXTURE_CLEAN, as its clean twin that initialises the second
 * timer and cancels the first before initialising it again. ddv must report
 * hrtimer.start-uninitialised and hrtimer.init-armed (specs/linux/timer.ddv),
 * and nothing for the twin.
 */
#include <linux/module.h>
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/irqflags.h>
#include <linux/spinlock.h>
#include <linux/timerqueue.h>

/* Far enough ahead that the timers never fire while the fixture is loaded. */
#define FIXTURE_TIMEOUT ktime_set(3600, 0)

static struct hrtimer fixture_hrt, fixture_copy;

static enum hrtimer_restart fixture_hrt_fn(struct hrtimer *timer)
{
	pr_info("%s: hrtimer fired\n", KBUILD_MODNAME);
	return HRTIMER_NORESTART;
}

/*
 * hrtimer_init() on a queued timer clears its node while the node is in the
 * clock base's tree. The fixture holds the base's lock (so no CPU walks the
 * tree meanwhile) and puts back the whole timer afterwards, so that the
 * defect is seen by ddv at the call and the kernel stays sound.
 */
static void fixture_hrt_reinit(void)
{
	struct hrtimer_cpu_base *cpu_base = fixture_hrt.base->cpu_base;
	struct hrtimer saved;
	unsigned long irqflags;
	bool was_queued;

	raw_spin_lock_irqsave(&cpu_base->lock, irqflags);
	saved = fixture_hrt;
	was_queued = hrtimer_is_queued(&fixture_hrt);
	hrtimer_init(&fixture_hrt, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED);
	if (was_queued)
		fixture_hrt = saved;
	else
		fixture_hrt.function = fixture_hrt_fn;
	raw_spin_unlock_irqrestore(&cpu_base->lock, irqflags);
	/* Tells the smoke test, which runs without ddv, which path ran. */
	pr_info("%s: hrtimer initialised again while %s\n", KBUILD_MODNAME,
		was_queued ? "queued" : "stopped");
}

static int __init hrtimer_misuse_init(void)
{
	hrtimer_init(&fixture_hrt, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED);
	fixture_hrt.function = fixture_hrt_fn;

#ifdef FIXTURE_CLEAN
	hrtimer_init(&fixture_copy, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED);
	fixture_copy.function = fixture_hrt_fn;
#else
	/*
	 * The first defect: a copy of a set-up (idle) timer, never set up
	 * itself. Its node still points at the original's: cleared as an idle
	 * timer's must be, or the kernel warns when it is queued.
	 */
	fixture_copy = fixture_hrt;
	timerqueue_init(&fixture_copy.node);
#endif
	hrtimer_start(&fixture_copy, FIXTURE_TIMEOUT, HRTIMER_MODE_REL_PINNED);
	hrtimer_cancel(&fixture_copy);

	hrtimer_start(&fixture_hrt, FIXTURE_TIMEOUT, HRTIMER_MODE_REL_PINNED);
#ifdef FIXTURE_CLEAN
	hrtimer_cancel(&fixture_hrt);
#endif
	/* The second defect: initialised again while queued. */
	fixture_hrt_reinit();
	hrtimer_start(&fixture_hrt, FIXTURE_TIMEOUT, HRTIMER_MODE_REL_PINNED);
	return 0;
}

static void __exit hrtimer_misuse_exit(void)
{
	hrtimer_cancel(&fixture_hrt);
}

module_init(hrtimer_misuse_init);
module_exit(hrtimer_misuse_exit);
MODULE_DESCRIPTION("ddv fixture: hrtimer started uninitialised, initialised while queued");
MODULE_LICENSE("GPL");
