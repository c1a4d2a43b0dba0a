// SPDX-License-Identifier: GPL-2.0
/*
 * ddv fixture that frees a coherent DMA buffer with a size other
 * than the one it was allocated with.
 *
 * Built as dma_size (allocates 4096 bytes, frees 2048) and, through
 * dma_size_clean.c which defines FIXTURE_CLEAN, as its clean twin that frees
 * 4096. The device is a platform device of the fixture's own, so no hardware
 * is needed; on x86 without an IOMMU both sizes round up to the same page,
 * which keeps the defect harmless to the kernel while ddv sees it.
 */
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/dma-mapping.h>

#define DMA_ALLOC_SIZE 4096
#ifdef FIXTURE_CLEAN
#define DMA_FREE_SIZE DMA_ALLOC_SIZE
#else
#define DMA_FREE_SIZE (DMA_ALLOC_SIZE / 2)
#endif

static struct platform_device *fixture_pdev;
static void *dma_cpu_addr;
static dma_addr_t dma_handle;

static int __init dma_size_init(void)
{
	int err;

	fixture_pdev = platform_device_register_simple(KBUILD_MODNAME,
						       PLATFORM_DEVID_NONE,
						       NULL, 0);
	if (IS_ERR(fixture_pdev))
		return PTR_ERR(fixture_pdev);

	err = dma_coerce_mask_and_coherent(&fixture_pdev->dev,
					   DMA_BIT_MASK(32));
	if (err)
		goto unregister;

	dma_cpu_addr = dma_alloc_coherent(&fixture_pdev->dev, DMA_ALLOC_SIZE,
					  &dma_handle, GFP_KERNEL);
	if (!dma_cpu_addr) {
		err = -ENOMEM;
		goto unregister;
	}
	return 0;

unregister:
	platform_device_unregister(fixture_pdev);
	return err;
}

static void __exit dma_size_exit(void)
{
	dma_free_coherent(&fixture_pdev->dev, DMA_FREE_SIZE, dma_cpu_addr,
			  dma_handle);
	platform_device_unregister(fixture_pdev);
}

module_init(dma_size_init);
module_exit(dma_size_exit);
MODULE_DESCRIPTION("ddv fixture: dma_free_coherent with the wrong size");
MODULE_LICENSE("GPL");
