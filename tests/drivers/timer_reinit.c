// SPDX-License-Identifier: GPL-2.0
/*
 * ddv fixture that initialises a timer again while it is armed.
 *
 * Built as timer_reinit (the defect) and, through timer_reinit_clean.c which
 * defines FIXTURE_CLEAN, as its clean twin that stops the timer first.
 * ddv must report the second timer_setup() of the armed timer, and nothing
 * for the twin.
 */
#include <linux/module.h>
#include <linux/timer.h>
#include <linux/jiffies.h>
#include <linux/irqflags.h>

/* Far enough ahead that the timer never fires while the fixture is loaded. */
#define FIXTURE_TIMEOUT (3600 * HZ)

static struct timer_list fixture_timer;

static void fixture_timer_fn(struct timer_list *timer)
{
	pr_info("%s: timer fired\n", KBUILD_MODNAME);
}

/*
 * timer_setup() on an armed timer clears entry.pprev and rewrites flags
 * (which name the timer's base) while the timer is still linked in the
 * wheel: the next del_timer_sync() would then leave a stale entry behind
 * and the wheel would later run into freed module memory. The fixture puts
 * back what the call cleared, so that the defect is seen by ddv at the call
 * and the kernel stays sound for the tests that follow. With interrupts off
 * nothing on this CPU touches the timer's bucket in between.
 */
static void fixture_timer_reinit(void)
{
	struct hlist_node linked;
	unsigned long irqflags;
	bool was_pending;
	u32 flags;

	local_irq_save(irqflags);
	linked = fixture_timer.entry;
	flags = fixture_timer.flags;
	was_pending = timer_pending(&fixture_timer);
	timer_setup(&fixture_timer, fixture_timer_fn, 0);
	if (was_pending) {
		fixture_timer.entry = linked;
		fixture_timer.flags = flags;
	}
	local_irq_restore(irqflags);
	/* Tells the smoke test, which runs without ddv, which path ran. */
	pr_info("%s: timer initialised again while %s\n", KBUILD_MODNAME,
		was_pending ? "armed" : "stopped");
}

static int __init timer_reinit_init(void)
{
	timer_setup(&fixture_timer, fixture_timer_fn, 0);
	mod_timer(&fixture_timer, jiffies + FIXTURE_TIMEOUT);

#ifdef FIXTURE_CLEAN
	del_timer_sync(&fixture_timer);
#endif
	fixture_timer_reinit();
	mod_timer(&fixture_timer, jiffies + FIXTURE_TIMEOUT);
	return 0;
}

static void __exit timer_reinit_exit(void)
{
	del_timer_sync(&fixture_timer);
}

module_init(timer_reinit_init);
module_exit(timer_reinit_exit);
MODULE_DESCRIPTION("ddv fixture: timer initialised again while armed");
MODULE_LICENSE("GPL");
