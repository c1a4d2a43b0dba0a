/* SPDX-License-Identifier: GPL-2.0 */
/*
 * managed.h: body of the managed_* fixtures: a platform driver bound to a platform device of
 * its own, whose probe takes device-managed (devm) memory. Each defect defines one macro:
 *   MG_KFREE        probe kfree()s a devm block: devres frees it again at unbind
 *   MG_TIMER_LEFT   remove leaves the timer of its devm state pending: devres frees it at unbind
 *   MG_PROBE_FAILS  probe fails with that timer pending: devres frees it after the failed probe
 *   MG_FREE_IRQ     probe free_irq()s its devm IRQ: devres frees it again at unbind
 *   MG_IRQ_TWICE    probe devm_free_irq()s its IRQ twice
 *   MG_FREE_DMAM    probe dma_free_coherent()s a dmam buffer: devres frees it again at unbind
 *   MG_DMAM_SIZE    probe dmam_free_coherent()s it with half its size (devres keeps it too)
 *   MG_DMAM_TWICE   probe dmam_free_coherent()s it twice
 *   MG_IOUNMAP      probe iounmap()s a devm_ioremap() mapping: devres unmaps it again at unbind
 *   MG_DEVM_IOUNMAP probe devm_iounmap()s an ioremap() mapping (the kernel WARNs)
 *   MG_ACTION       probe adds a devm action of its own on platform_bus, which outlives it
 *   MG_ATOMIC       probe makes the sleeping managed calls with preemption off: the fallible
 *                   ones fail by injection (inject plan caller=managed_atomic:mg_atomic
 *                   rate=100), so none runs; devm_iounmap of NULL runs (a WARN, no unmap)
 * The others leave the IRQ (shared line 9, as irq_leak's), a devm_kstrdup() name and a dmam
 * buffer (one page: a platform device has a 32-bit DMA mask) to devres.
 * Their clean twins (FIXTURE_CLEAN) undo each thing in place: devm_kfree, the timer stopped.
 *
 * The blocks are larger than kmalloc's caches, so they come from the page allocator and the
 * fixture can hold a page reference on them: the free devres repeats, or a timer left in freed
 * memory, then corrupts nothing, and exit stops the timer and drops the reference.
 */
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/timer.h>
#include <linux/mm.h>
#include <linux/interrupt.h>
#include <linux/dma-mapping.h>
#include <linux/io.h>
#include <linux/clk.h>

#define MG_SIZE (3 * PAGE_SIZE)

struct mg_state {
	struct timer_list timer;
	char room[MG_SIZE - sizeof(struct timer_list)];
};

/* A page of MMIO every x86 machine has (the HPET's); mapping it twice is harmless. */
#define MG_MMIO 0xfed00000

static struct platform_device *mg_pdev;
static struct mg_state *mg_pinned;

static unsigned int mg_irq = 9;

static void mg_timer_fn(struct timer_list *t)
{
}

static void __maybe_unused mg_action(void *data)
{
}

static irqreturn_t mg_irq_handler(int line, void *dev_id)
{
	return IRQ_NONE;
}

/* The block stays mapped and unused by anyone else until exit, whatever frees it before. */
static void mg_pin(void *block)
{
	get_page(virt_to_page(block));
}

#ifdef MG_ATOMIC
static noinline void mg_atomic(struct platform_device *pdev)
{
	struct resource res = DEFINE_RES_MEM(MG_MMIO, PAGE_SIZE);

#ifndef FIXTURE_CLEAN
	preempt_disable();
#endif
	devm_ioremap(&pdev->dev, MG_MMIO, PAGE_SIZE);
	devm_ioremap_resource(&pdev->dev, &res);
	devm_platform_ioremap_resource(pdev, 0);
	devm_clk_get_enabled(&pdev->dev, NULL);
	devm_add_action(&pdev->dev, mg_action, pdev);
#ifndef FIXTURE_CLEAN
	devm_iounmap(&pdev->dev, NULL);
	preempt_enable();
#endif
}
#endif

static int mg_probe(struct platform_device *pdev)
{
	struct mg_state *st, *spare;
	const char *name;
	dma_addr_t handle;
	void *buf;
	int err;

	st = devm_kzalloc(&pdev->dev, sizeof(*st), GFP_KERNEL);
	spare = devm_kzalloc(&pdev->dev, sizeof(*spare), GFP_KERNEL);
	name = devm_kstrdup(&pdev->dev, KBUILD_MODNAME, GFP_KERNEL);
	if (!st || !spare || !name)
		return -ENOMEM;
	err = devm_request_irq(&pdev->dev, mg_irq, mg_irq_handler, IRQF_SHARED, name, st);
	if (err)
		return err;
#ifdef MG_FREE_IRQ
#ifdef FIXTURE_CLEAN
	devm_free_irq(&pdev->dev, mg_irq, st);
#else
	free_irq(mg_irq, st);
#endif
#endif
	buf = dmam_alloc_coherent(&pdev->dev, PAGE_SIZE, &handle, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
#if (defined(MG_FREE_DMAM) || defined(MG_DMAM_SIZE) || defined(MG_DMAM_TWICE)) && \
	!defined(FIXTURE_CLEAN)
	/* An order-0 page: the reference makes the kernel's first free a put. */
	mg_pin(buf);
#endif
#ifdef MG_FREE_DMAM
#ifdef FIXTURE_CLEAN
	dmam_free_coherent(&pdev->dev, PAGE_SIZE, buf, handle);
#else
	dma_free_coherent(&pdev->dev, PAGE_SIZE, buf, handle);
#endif
#endif
#ifdef MG_DMAM_SIZE
#ifdef FIXTURE_CLEAN
	dmam_free_coherent(&pdev->dev, PAGE_SIZE, buf, handle);
#else
	dmam_free_coherent(&pdev->dev, PAGE_SIZE / 2, buf, handle);
#endif
#endif
#ifdef MG_DMAM_TWICE
	dmam_free_coherent(&pdev->dev, PAGE_SIZE, buf, handle);
#ifndef FIXTURE_CLEAN
	dmam_free_coherent(&pdev->dev, PAGE_SIZE, buf, handle);
#endif
#endif
#ifdef MG_IRQ_TWICE
	devm_free_irq(&pdev->dev, mg_irq, st);
#ifndef FIXTURE_CLEAN
	devm_free_irq(&pdev->dev, mg_irq, st);
#endif
#endif
#if defined(MG_KFREE) && !defined(FIXTURE_CLEAN)
	mg_pin(spare);
	kfree(spare);
#else
	devm_kfree(&pdev->dev, spare);
#endif
#ifdef MG_IOUNMAP
	{
		void __iomem *regs = devm_ioremap(&pdev->dev, MG_MMIO, PAGE_SIZE);

		if (!regs)
			return -ENOMEM;
#ifndef FIXTURE_CLEAN
		iounmap(regs);
#endif
		/* Devres's own unmap now, not at unbind, when the area could be another's. */
		devm_iounmap(&pdev->dev, regs);
	}
#endif
#ifdef MG_DEVM_IOUNMAP
	{
		void __iomem *regs = ioremap(MG_MMIO, PAGE_SIZE);

		if (!regs)
			return -ENOMEM;
#ifdef FIXTURE_CLEAN
		iounmap(regs);
#else
		devm_iounmap(&pdev->dev, regs);
#endif
	}
#endif
#ifdef MG_ACTION
	/* platform_bus is never released: its devres never calls the action, the module gone. */
#ifdef FIXTURE_CLEAN
	err = devm_add_action(&pdev->dev, mg_action, st);
#else
	err = devm_add_action(&platform_bus, mg_action, st);
#endif
	if (err)
		return err;
#endif
#ifdef MG_ATOMIC
	mg_atomic(pdev);
#endif
	timer_setup(&st->timer, mg_timer_fn, 0);
	mod_timer(&st->timer, jiffies + 1000 * HZ);
	mg_pin(st);
	mg_pinned = st;
	platform_set_drvdata(pdev, st);
#ifdef MG_PROBE_FAILS
#ifdef FIXTURE_CLEAN
	del_timer_sync(&st->timer);
#endif
	return -ENODEV;
#endif
	return 0;
}

static int mg_remove(struct platform_device *pdev)
{
#if !defined(MG_TIMER_LEFT) || defined(FIXTURE_CLEAN)
	struct mg_state *st = platform_get_drvdata(pdev);

	del_timer_sync(&st->timer);
#endif
	return 0;
}

static struct platform_driver mg_driver = {
	.probe = mg_probe,
	.remove = mg_remove,
	.driver = { .name = KBUILD_MODNAME },
};

static int __init mg_init(void)
{
	int err = platform_driver_register(&mg_driver);

	if (err)
		return err;
	mg_pdev = platform_device_register_simple(KBUILD_MODNAME, -1, NULL, 0);
	if (IS_ERR(mg_pdev)) {
		platform_driver_unregister(&mg_driver);
		return PTR_ERR(mg_pdev);
	}
	return 0;
}

static void __exit mg_exit(void)
{
	platform_device_unregister(mg_pdev);
	platform_driver_unregister(&mg_driver);
	/* Freed by devres by now, and pinned: the timer may still be pending in it. */
	if (mg_pinned) {
		del_timer_sync(&mg_pinned->timer);
		put_page(virt_to_page(mg_pinned));
	}
}

module_init(mg_init);
module_exit(mg_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ddv fixture: device-managed memory");
