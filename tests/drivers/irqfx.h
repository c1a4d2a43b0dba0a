/* SPDX-License-Identifier: GPL-2.0 */
/*
 * irqfx.h: body of the irqfx_* fixtures: interrupt lines (specs/linux/irq.ddv) on the shared
 * line 9 (ACPI's, as irq_leak's). Each defect defines one macro:
 *   IF_REQUEST  request_irq without a handler; request_irq and devm_request_irq of the shared
 *               line without a dev_id (the kernel refuses each: -EINVAL)
 *   IF_DEPTH    disable_irq, disable_irq_nosync and disable_hardirq nested past 32, then
 *               enable_irq once more than the driver disabled
 * The clean twin (FIXTURE_CLEAN) makes the same calls rightly. What keeps IF_DEPTH safe: the
 * kernel's count is balanced behind ddv's back (a disable and the enables past ddv's bound
 * through pointers, which ddv does not redirect), so the line ends enabled and freed.
 */
#include <linux/module.h>
#include <linux/interrupt.h>
#include <linux/platform_device.h>

static unsigned int if_irq = 9;
static int if_cookie;

static irqreturn_t if_handler(int irq, void *dev_id)
{
	return IRQ_NONE;
}

#ifdef IF_REQUEST
/* A handler table whose entry for this mode is missing (the defect). */
static irq_handler_t if_handlers[2] = { if_handler, NULL };

static int if_case(struct device *dev)
{
#ifdef FIXTURE_CLEAN
	irq_handler_t h = if_handlers[0];
	void *id = &if_cookie;
#else
	irq_handler_t h = if_handlers[1];
	void *id = NULL;
#endif
	int err;

	OPTIMIZER_HIDE_VAR(h);
	err = request_irq(if_irq, h, IRQF_SHARED, KBUILD_MODNAME, &if_cookie);
	if (!err)
		free_irq(if_irq, &if_cookie);
	err = request_irq(if_irq, if_handler, IRQF_SHARED, KBUILD_MODNAME, id);
	if (!err)
		free_irq(if_irq, id);
	err = devm_request_irq(dev, if_irq, if_handler, IRQF_SHARED, KBUILD_MODNAME, id);
	if (!err)
		devm_free_irq(dev, if_irq, id);
	/* The driver goes on without its interrupt (polling), as drivers may. */
	return 0;
}
#endif

#ifdef IF_DEPTH
#define IF_DEEP 32
#ifdef FIXTURE_CLEAN
#define IF_NOSYNC (IF_DEEP - 3)
#else
#define IF_NOSYNC IF_DEEP
#endif

static void (*volatile if_hidden_disable)(unsigned int) = disable_irq;
static void (*volatile if_hidden_enable)(unsigned int) = enable_irq;

static int if_case(struct device *dev)
{
	int err = request_irq(if_irq, if_handler, IRQF_SHARED, KBUILD_MODNAME, &if_cookie);
	int i;

	if (err)
		return err;
	for (i = 0; i < IF_NOSYNC; i++)
		disable_irq_nosync(if_irq);
	/* Past ddv's bound in the defect: each one is reported, and not counted. */
	disable_irq(if_irq);
	disable_irq_nosync(if_irq);
	disable_hardirq(if_irq);
	for (i = 0; i < IF_DEEP; i++)
		enable_irq(if_irq);
#ifndef FIXTURE_CLEAN
	for (i = 0; i < 3; i++)
		if_hidden_enable(if_irq);
	/* Disabled where ddv does not see it: the enable that follows is one too many to ddv. */
	if_hidden_disable(if_irq);
#else
	disable_irq(if_irq);
#endif
	enable_irq(if_irq);
	free_irq(if_irq, &if_cookie);
	return 0;
}
#endif

static struct platform_device *if_pdev;

static int __init if_init(void)
{
	int err;

	if_pdev = platform_device_register_simple(KBUILD_MODNAME, PLATFORM_DEVID_NONE, NULL, 0);
	if (IS_ERR(if_pdev))
		return PTR_ERR(if_pdev);
	err = if_case(&if_pdev->dev);
	if (err)
		platform_device_unregister(if_pdev);
	return err;
}

static void __exit if_exit(void)
{
	platform_device_unregister(if_pdev);
}

module_init(if_init);
module_exit(if_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ddv fixture: interrupt lines misused");
