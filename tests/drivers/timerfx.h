/* SPDX-License-Identifier: GPL-2.0 */
/*
 * timerfx.h: body of the timerfx_* fixtures: timers (specs/linux/timer.ddv). Each defect
 * defines one macro:
 *   TF_ADD_PENDING  add_timer of a timer mod_timer armed already (6.1.158 and 6.12 WARN and
 *                   ignore it; the twin deletes it first)
 *   TF_ADD_UNINIT   add_timer of a timer timer_setup never saw: a struct copy of one it did
 *   TF_HARDIRQ      del_timer_sync from an hrtimer's handler, in hardirq context (the kernel
 *                   WARNs; the timer is not running, so nothing waits; the twin uses
 *                   del_timer there)
 * The timers are set far ahead and deleted before init returns: none ever fires.
 */
#include <linux/module.h>
#include <linux/timer.h>
#include <linux/hrtimer.h>
#include <linux/delay.h>

static struct timer_list tf_timer, tf_copy __maybe_unused;

static void tf_fn(struct timer_list *t)
{
}

#ifdef TF_ADD_PENDING
static int tf_case(void)
{
	timer_setup(&tf_timer, tf_fn, 0);
	mod_timer(&tf_timer, jiffies + 3600 * HZ);
#ifdef FIXTURE_CLEAN
	del_timer(&tf_timer);
#endif
	tf_timer.expires = jiffies + 3600 * HZ;
	add_timer(&tf_timer);
	del_timer_sync(&tf_timer);
	return 0;
}
#endif

#ifdef TF_ADD_UNINIT
static int tf_case(void)
{
	timer_setup(&tf_timer, tf_fn, 0);
#ifdef FIXTURE_CLEAN
	timer_setup(&tf_copy, tf_fn, 0);
#else
	tf_copy = tf_timer;
#endif
	tf_copy.expires = jiffies + 3600 * HZ;
	add_timer(&tf_copy);
	del_timer_sync(&tf_copy);
	return 0;
}
#endif

#ifdef TF_HARDIRQ
static struct hrtimer tf_hrt;
static bool tf_done;

/* An hrtimer's handler runs in hardirq context (no _SOFT mode). */
static enum hrtimer_restart tf_hrt_fn(struct hrtimer *hrt)
{
#ifdef FIXTURE_CLEAN
	del_timer(&tf_timer);
#else
	del_timer_sync(&tf_timer);
#endif
	WRITE_ONCE(tf_done, true);
	return HRTIMER_NORESTART;
}

static int tf_case(void)
{
	int i;

	timer_setup(&tf_timer, tf_fn, 0);
	mod_timer(&tf_timer, jiffies + 3600 * HZ);
	hrtimer_init(&tf_hrt, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	tf_hrt.function = tf_hrt_fn;
	hrtimer_start(&tf_hrt, ms_to_ktime(1), HRTIMER_MODE_REL_HARD);
	for (i = 0; i < 1000 && !READ_ONCE(tf_done); i++)
		msleep(2);
	hrtimer_cancel(&tf_hrt);
	del_timer_sync(&tf_timer);
	return READ_ONCE(tf_done) ? 0 : -ETIMEDOUT;
}
#endif

static int __init tf_init(void)
{
	return tf_case();
}

static void __exit tf_exit(void)
{
}

module_init(tf_init);
module_exit(tf_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ddv fixture: timers misused");
