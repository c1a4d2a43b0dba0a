// SPDX-License-Identifier: GPL-2.0
/*
 * bench_dma.c: times dma_map_single+dma_unmap_single pairs at load, for
 * tests/drivers/rt-selftest/bench-vm (without ddv, then as ddv's driver under test, through the
 * wrappers and rules of specs/linux/dma.ddv: dma_map_single and dma_unmap_single are inline
 * around dma_map_page_attrs and dma_unmap_page_attrs). The device is a platform device of the
 * module's own (32-bit mask, direct mapping: the VM has no IOMMU). Under -icount shift=0 a
 * nanosecond is a guest instruction.
 */
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/dma-mapping.h>
#include <linux/slab.h>
#include <linux/ktime.h>

static unsigned int pairs = 20000;
module_param(pairs, uint, 0444);
MODULE_PARM_DESC(pairs, "map+unmap pairs per round (best of 5 rounds)");

static struct platform_device *bench_pdev;
static void *bench_buf;

/* Always inline, so that the calls lie in the caller's text (init or core). */
static __always_inline u64 bench_dma_pairs(struct device *dev)
{
	u64 t0, best = U64_MAX;
	unsigned int round, i;

	for (round = 0; round < 5; round++) {
		t0 = ktime_get_ns();
		for (i = 0; i < pairs; i++) {
			dma_addr_t h = dma_map_single(dev, bench_buf, 256, DMA_TO_DEVICE);

			if (dma_mapping_error(dev, h))
				return 0;
			dma_unmap_single(dev, h, 256, DMA_TO_DEVICE);
		}
		best = min(best, ktime_get_ns() - t0);
	}
	return div_u64(best, pairs);
}

/* From core text, where a driver maps and unmaps its buffers. */
static noinline void bench_core(struct device *dev)
{
	pr_info("bench_dma: %u pairs from core text: map+unmap %llu ns per pair\n",
		pairs, bench_dma_pairs(dev));
}

static int __init bench_dma_init(void)
{
	struct device *dev;

	if (!pairs)
		return -EINVAL;
	bench_buf = kzalloc(256, GFP_KERNEL);
	if (!bench_buf)
		return -ENOMEM;
	bench_pdev = platform_device_register_simple(KBUILD_MODNAME, -1, NULL, 0);
	if (IS_ERR(bench_pdev)) {
		kfree(bench_buf);
		return PTR_ERR(bench_pdev);
	}
	dev = &bench_pdev->dev;
	pr_info("bench_dma: %u pairs from init text: map+unmap %llu ns per pair\n",
		pairs, bench_dma_pairs(dev));
	bench_core(dev);
	return 0;
}

static void __exit bench_dma_exit(void)
{
	platform_device_unregister(bench_pdev);
	kfree(bench_buf);
}

module_init(bench_dma_init);
module_exit(bench_dma_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ddv benchmark: dma_map_single+dma_unmap_single pairs timed at load");
