// SPDX-License-Identifier: GPL-2.0
/*
 * ddv fixture that leaks its state when request_irq() fails.
 *
 * Built as irq_leak (the error path returns without freeing the buffer) and,
 * through irq_leak_clean.c which defines FIXTURE_CLEAN, as its clean twin
 * that frees it. request_irq() only fails when ddv injects the failure: the
 * line is shared (IRQF_SHARED with a dev_id), so it can be joined whoever
 * holds it; the handler never claims an interrupt.
 */
#include <linux/module.h>
#include <linux/interrupt.h>
#include <linux/slab.h>

/* The ACPI SCI of qemu's pc machine: present, shared, quiet. */
static unsigned int irq = 9;
module_param(irq, uint, 0444);
MODULE_PARM_DESC(irq, "interrupt line to share (default 9)");

struct irq_leak_state {
	atomic_t interrupts_seen;
	char name[32];
};

static struct irq_leak_state *fixture_state;

static irqreturn_t irq_leak_handler(int line, void *dev_id)
{
	struct irq_leak_state *state = dev_id;

	atomic_inc(&state->interrupts_seen);
	return IRQ_NONE;	/* not our device: let the line's owner handle it */
}

static int __init irq_leak_init(void)
{
	int err;

	fixture_state = kzalloc(sizeof(*fixture_state), GFP_KERNEL);
	if (!fixture_state)
		return -ENOMEM;
	snprintf(fixture_state->name, sizeof(fixture_state->name), "%s",
		 KBUILD_MODNAME);

	err = request_irq(irq, irq_leak_handler, IRQF_SHARED,
			  fixture_state->name, fixture_state);
	if (err) {
#ifdef FIXTURE_CLEAN
		kfree(fixture_state);
#endif
		return err;
	}
	return 0;
}

static void __exit irq_leak_exit(void)
{
	free_irq(irq, fixture_state);
	pr_info("%s: %d interrupts seen on line %u\n", KBUILD_MODNAME,
		atomic_read(&fixture_state->interrupts_seen), irq);
	kfree(fixture_state);
}

module_init(irq_leak_init);
module_exit(irq_leak_exit);
MODULE_DESCRIPTION("ddv fixture: buffer leaked when request_irq fails");
MODULE_LICENSE("GPL");
