// SPDX-License-Identifier: GPL-2.0
/*
 * ddv fixture that frees an IRQ it never requested, as vmw_pvscsi's probe
 * does when it fails before request_irq: when its ring cannot be had, init
 * takes the error path that frees the IRQ too. One wrong call, which breaks
 * free_irq's require (irq.free-unrequested) and its destroy (irq.free-release)
 * and makes the kernel warn ("Trying to free already-free IRQ"): ddv must
 * report it once. The line is shared (IRQF_SHARED with a dev_id, as irq_leak),
 * so the kernel only warns.
 *
 * The clean twin (irq_unrequested_clean.c, FIXTURE_CLEAN) frees only what it
 * requested.
 */
#include <linux/module.h>
#include <linux/interrupt.h>
#include <linux/slab.h>

#include "fixture.h"

/* The ACPI SCI of qemu's pc machine: present, shared, quiet. */
static unsigned int irq = 9;
module_param(irq, uint, 0444);
MODULE_PARM_DESC(irq, "interrupt line to share (default 9)");

static void *fixture_state, *fixture_ring;

static irqreturn_t irq_unrequested_handler(int line, void *dev_id)
{
	return IRQ_NONE;	/* not our device: let the line's owner handle it */
}

static int __init irq_unrequested_init(void)
{
	int err = -ENOMEM;

	fixture_state = kzalloc(64, GFP_KERNEL);
	if (!fixture_state)
		return -ENOMEM;
	fixture_ring = FIXTURE_FALLIBLE(kmalloc(256, GFP_KERNEL));
	if (!fixture_ring)
		goto fail;	/* before request_irq */
	err = request_irq(irq, irq_unrequested_handler, IRQF_SHARED, KBUILD_MODNAME,
			  fixture_state);
	if (err)
		goto fail_ring;
	return 0;
fail_ring:
	kfree(fixture_ring);
fail:
#ifndef FIXTURE_CLEAN
	free_irq(irq, fixture_state);	/* the defect: not requested on this path */
#endif
	kfree(fixture_state);
	return err;
}

static void __exit irq_unrequested_exit(void)
{
	free_irq(irq, fixture_state);
	kfree(fixture_ring);
	kfree(fixture_state);
}

module_init(irq_unrequested_init);
module_exit(irq_unrequested_exit);
MODULE_DESCRIPTION("ddv fixture: free_irq of an IRQ never requested");
MODULE_LICENSE("GPL");
