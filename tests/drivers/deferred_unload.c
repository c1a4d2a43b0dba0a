// SPDX-License-Identifier: GPL-2.0
/*
 * ddv fixture that leaves a timer pending, a work item queued, an hrtimer
 * queued and a tasklet scheduled when it is unloaded: one of each in its own
 * data, one of each in a block it never frees; and sets up its own tasklet
 * and the block's again while they are scheduled (tasklet.setup-scheduled,
 * tasklet.init-scheduled).
 *
 * Built as deferred_unload (the defect) and, through deferred_unload_clean.c
 * which defines FIXTURE_CLEAN, as its clean twin that stops them at exit and
 * frees the block. ddv must report the module's own four with their types'
 * active rules (timer.freed-pending, timer.freed-queued, hrtimer.freed-queued,
 * tasklet.freed-scheduled: the module's memory is freed under them), the block
 * (heap.leak) and the four inside it with their leak rules
 * (timer.pending-at-unload, timer.queued-at-unload, hrtimer.queued-at-unload,
 * tasklet.scheduled-at-unload), and nothing for the twin.
 *
 * Each is made pending the way its predicate sees it (timer_pending: the
 * wheel link; work_pending: the PENDING bit; hrtimer_is_queued: the ENQUEUED
 * state; the tasklet: TASKLET_STATE_SCHED) without entering the wheel, a
 * worklist, a clock base's tree or a CPU's tasklet list:
 * freeing one that is really queued leaves the kernel pointing into freed
 * memory, and the tests that follow would run on a corrupt kernel.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/timer.h>
#include <linux/workqueue.h>
#include <linux/hrtimer.h>
#include <linux/interrupt.h>

struct deferred {
	unsigned long cookie;	/* the objects lie inside the block, not at its key */
	struct timer_list timer;
	struct work_struct work;
	struct hrtimer hrt;
	struct tasklet_struct tl;
};

static struct deferred fixture_own;
static struct deferred *fixture_block;

static void fixture_timer_fn(struct timer_list *timer)
{
}

static void fixture_work_fn(struct work_struct *work)
{
}

static enum hrtimer_restart fixture_hrt_fn(struct hrtimer *timer)
{
	return HRTIMER_NORESTART;
}

static void fixture_tl_fn(struct tasklet_struct *t)
{
}

static void __maybe_unused fixture_tl_old_fn(unsigned long data)
{
}

/* Set up, the work item run once (so that ddv knows it), then each "armed". */
static void fixture_arm(struct deferred *d)
{
	timer_setup(&d->timer, fixture_timer_fn, 0);
	INIT_WORK(&d->work, fixture_work_fn);
	queue_work(system_wq, &d->work);
	flush_work(&d->work);
	hrtimer_init(&d->hrt, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	d->hrt.function = fixture_hrt_fn;
	tasklet_setup(&d->tl, fixture_tl_fn);

	d->timer.entry.pprev = &d->timer.entry.next;
	set_bit(WORK_STRUCT_PENDING_BIT, work_data_bits(&d->work));
	d->hrt.state = HRTIMER_STATE_ENQUEUED;
	set_bit(TASKLET_STATE_SCHED, &d->tl.state);
}

/* What del_timer_sync, cancel_work_sync and hrtimer_cancel leave behind. */
static void __maybe_unused fixture_stop(struct deferred *d)
{
	d->timer.entry.pprev = NULL;
	clear_bit(WORK_STRUCT_PENDING_BIT, work_data_bits(&d->work));
	d->hrt.state = HRTIMER_STATE_INACTIVE;
	clear_bit(TASKLET_STATE_SCHED, &d->tl.state);
}

static int __init deferred_unload_init(void)
{
	fixture_block = kzalloc(sizeof(*fixture_block), GFP_KERNEL);
	if (!fixture_block)
		return -ENOMEM;
	fixture_arm(&fixture_own);
	fixture_arm(fixture_block);
#ifndef FIXTURE_CLEAN
	/* Set up again while "scheduled", both ways: it clears the bit, which is set back. */
	tasklet_setup(&fixture_own.tl, fixture_tl_fn);
	set_bit(TASKLET_STATE_SCHED, &fixture_own.tl.state);
	tasklet_init(&fixture_block->tl, fixture_tl_old_fn, 0);
	set_bit(TASKLET_STATE_SCHED, &fixture_block->tl.state);
#endif
	pr_info("%s: armed\n", KBUILD_MODNAME);
	return 0;
}

static void __exit deferred_unload_exit(void)
{
#ifdef FIXTURE_CLEAN
	fixture_stop(&fixture_own);
	fixture_stop(fixture_block);
	kfree(fixture_block);
#endif
}

module_init(deferred_unload_init);
module_exit(deferred_unload_exit);
MODULE_DESCRIPTION("ddv fixture: timer, work item, hrtimer and tasklet pending at unload");
MODULE_LICENSE("GPL");
