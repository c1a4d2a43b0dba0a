/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmares.h: body of the dmares_* fixtures: an MMIO resource mapped for DMA (dma_map_resource)
 * and a buffer mapped and synced (dma_map_single, dma_sync_single_for_*), on a platform device
 * of the fixture's own (32-bit DMA mask), at init. Each defect defines one macro:
 *   DR_LEAK       the resource is never unmapped                       dma.resource-leak
 *   DR_SIZE       it is unmapped with half its size                    dma.unmap-resource-size
 *   DR_DIR        it is unmapped with another direction                dma.unmap-resource-direction
 *   DR_TWICE      it is unmapped twice                                 dma.unmap-resource-unmapped
 *   DR_LIVE       it is mapped a second time while mapped              dma.map-resource-live
 *   DR_SYNC_SIZE  the buffer is synced past its mapping's end    dma.sync-cpu-size, -device-size
 *   DR_SYNC_DIR   it is synced with another direction            dma.sync-cpu-, -device-direction
 * Their clean twins (FIXTURE_CLEAN) do the same calls rightly.
 *
 * What keeps the defects safe: the mapping is direct (no IOMMU, memory below 4 GiB, x86
 * cache-coherent), so a resource's bus address is its physical address and an unmap or a sync
 * does nothing; the MMIO page is the HPET's, which nothing here reads or writes.
 */
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/dma-mapping.h>
#include <linux/slab.h>

#define DR_MMIO 0xfed00000
#define DR_LEN 256

#if defined(FIXTURE_CLEAN)
#define DR_DEFECT 0
#else
#define DR_DEFECT 1
#endif

static struct platform_device *dr_pdev;
static void *dr_buf;

static int dr_resource(struct device *dev)
{
	dma_addr_t addr = dma_map_resource(dev, DR_MMIO, PAGE_SIZE, DMA_BIDIRECTIONAL, 0);

	if (dma_mapping_error(dev, addr))
		return -EIO;
#if defined(DR_LIVE)
	if (!DR_DEFECT)
		dma_unmap_resource(dev, addr, PAGE_SIZE, DMA_BIDIRECTIONAL, 0);
	addr = dma_map_resource(dev, DR_MMIO, PAGE_SIZE, DMA_BIDIRECTIONAL, 0);
	if (dma_mapping_error(dev, addr))
		return -EIO;
#endif
#if defined(DR_LEAK)
	if (DR_DEFECT)
		return 0;
#endif
#if defined(DR_SIZE)
	dma_unmap_resource(dev, addr, DR_DEFECT ? PAGE_SIZE / 2 : PAGE_SIZE, DMA_BIDIRECTIONAL, 0);
#elif defined(DR_DIR)
	dma_unmap_resource(dev, addr, PAGE_SIZE, DR_DEFECT ? DMA_TO_DEVICE : DMA_BIDIRECTIONAL, 0);
#else
	dma_unmap_resource(dev, addr, PAGE_SIZE, DMA_BIDIRECTIONAL, 0);
#endif
#if defined(DR_TWICE)
	if (DR_DEFECT)
		dma_unmap_resource(dev, addr, PAGE_SIZE, DMA_BIDIRECTIONAL, 0);
#endif
	return 0;
}

static int dr_single(struct device *dev)
{
	size_t sync_len = DR_LEN;
	enum dma_data_direction sync_dir = DMA_TO_DEVICE;
	dma_addr_t handle;

#if defined(DR_SYNC_SIZE)
	if (DR_DEFECT)
		sync_len = 2 * DR_LEN;
#endif
#if defined(DR_SYNC_DIR)
	if (DR_DEFECT)
		sync_dir = DMA_FROM_DEVICE;
#endif
	handle = dma_map_single(dev, dr_buf, DR_LEN, DMA_TO_DEVICE);
	if (dma_mapping_error(dev, handle))
		return -EIO;
	dma_sync_single_for_cpu(dev, handle, sync_len, sync_dir);
	dma_sync_single_for_device(dev, handle, sync_len, sync_dir);
	dma_unmap_single(dev, handle, DR_LEN, DMA_TO_DEVICE);
	return 0;
}

static int __init dr_init(void)
{
	int err;

	/* Twice the length a sync past the end reads: the block is the fixture's either way. */
	dr_buf = kzalloc(2 * DR_LEN, GFP_KERNEL);
	if (!dr_buf)
		return -ENOMEM;
	dr_pdev = platform_device_register_simple(KBUILD_MODNAME, -1, NULL, 0);
	if (IS_ERR(dr_pdev)) {
		kfree(dr_buf);
		return PTR_ERR(dr_pdev);
	}
	err = dr_resource(&dr_pdev->dev);
	if (!err)
		err = dr_single(&dr_pdev->dev);
	if (!err)
		return 0;
	platform_device_unregister(dr_pdev);
	kfree(dr_buf);
	return err;
}

static void __exit dr_exit(void)
{
	platform_device_unregister(dr_pdev);
	kfree(dr_buf);
}

module_init(dr_init);
module_exit(dr_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ddv fixture: DMA resource mappings and single-mapping syncs");
