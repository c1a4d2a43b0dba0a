/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmasg.h: body of the dmasg_* fixtures: scatterlists mapped for DMA (dma_map_sg,
 * dma_map_sgtable) on a platform device of the fixture's own (32-bit DMA mask), synced and
 * unmapped at init. Each defect defines one macro:
 *   SG_NENTS        the unmap gives another entry count than the map was given
 *   SG_DIR          the unmap gives another direction
 *   SG_TWICE        the list is unmapped twice
 *   SG_LEAK         the list is never unmapped
 *   SG_SYNC_DIR     a sync for the CPU with another direction
 *   SG_SYNC_UNMAPPED  a sync for the device after the unmap
 *   SG_TABLE_LEAK   a table mapped with dma_map_sgtable is never unmapped
 *   SG_SYNC_DEV_DIR   a sync for the device with another direction
 *   SG_SYNC_CPU_UNMAPPED  a sync for the CPU after the unmap
 *   SG_AGAIN        the list and the table are each unmapped where ddv does not see it (through
 *                   a function pointer: ddv redirects direct call sites only) and mapped again,
 *                   while ddv holds them mapped
 *   SG_MAP_DIR      the list is mapped with DMA_NONE
 *   SG_DMAM_NO_HANDLE  dmam_alloc_coherent is given no place for the bus address
 * Their clean twins (FIXTURE_CLEAN) do the same calls rightly (SG_AGAIN's unmap a direct call).
 * SG_MAP_DIR and SG_DMAM_NO_HANDLE run only with their call failed by injection (fixture-dmasg.sh
 * fails it, so init fails): the kernel BUGs on an invalid direction and writes the bus address
 * through the pointer.
 *
 * What keeps the defects safe: the VM's memory lies below 4 GiB and x86 is cache-coherent,
 * so the mapping is direct (no IOMMU, no bounce buffer): an unmap or sync with a wrong count
 * or direction, a second unmap, changes nothing; the pages stay allocated until exit.
 */
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/dma-mapping.h>
#include <linux/scatterlist.h>
#include <linux/gfp.h>

#define SG_N 2

static struct platform_device *sg_pdev;
static unsigned long sg_pages[SG_N];
static struct scatterlist sg_list[SG_N];
static struct sg_table sg_table;

#if defined(FIXTURE_CLEAN)
#define SG_DEFECT(x) 0
#else
#define SG_DEFECT(x) x
#endif

#if defined(SG_AGAIN) && !defined(FIXTURE_CLEAN)
/* The real unmap, called where ddv does not redirect (volatile: never folded). */
static void (*volatile sg_unmap)(struct device *, struct scatterlist *, int,
				 enum dma_data_direction, unsigned long) = dma_unmap_sg_attrs;
#else
#define sg_unmap dma_unmap_sg_attrs
#endif

static int sg_map_list(struct device *dev)
{
	int i;

	sg_init_table(sg_list, SG_N);
	for (i = 0; i < SG_N; i++)
		sg_set_buf(&sg_list[i], (void *)sg_pages[i], PAGE_SIZE);
#if defined(SG_DMAM_NO_HANDLE)
	{
		dma_addr_t bus;

		if (!dmam_alloc_coherent(dev, PAGE_SIZE, SG_DEFECT(1) ? NULL : &bus, GFP_KERNEL))
			return -ENOMEM;
	}
#endif
#if defined(SG_MAP_DIR)
	if (!dma_map_sg(dev, sg_list, SG_N, SG_DEFECT(1) ? DMA_NONE : DMA_TO_DEVICE))
		return -EIO;
#else
	if (!dma_map_sg(dev, sg_list, SG_N, DMA_TO_DEVICE))
		return -EIO;
#endif
#if defined(SG_AGAIN)
	sg_unmap(dev, sg_list, SG_N, DMA_TO_DEVICE, 0);
	if (!dma_map_sg(dev, sg_list, SG_N, DMA_TO_DEVICE))
		return -EIO;
#endif
#if defined(SG_SYNC_DIR)
	dma_sync_sg_for_cpu(dev, sg_list, SG_N, SG_DEFECT(1) ? DMA_FROM_DEVICE : DMA_TO_DEVICE);
#else
	dma_sync_sg_for_cpu(dev, sg_list, SG_N, DMA_TO_DEVICE);
#endif
#if defined(SG_SYNC_DEV_DIR)
	dma_sync_sg_for_device(dev, sg_list, SG_N, SG_DEFECT(1) ? DMA_FROM_DEVICE : DMA_TO_DEVICE);
#else
	dma_sync_sg_for_device(dev, sg_list, SG_N, DMA_TO_DEVICE);
#endif
#if defined(SG_LEAK) && !defined(FIXTURE_CLEAN)
	return 0;
#endif
#if defined(SG_NENTS) && !defined(FIXTURE_CLEAN)
	dma_unmap_sg(dev, sg_list, SG_N - 1, DMA_TO_DEVICE);
#elif defined(SG_DIR) && !defined(FIXTURE_CLEAN)
	dma_unmap_sg(dev, sg_list, SG_N, DMA_FROM_DEVICE);
#else
	dma_unmap_sg(dev, sg_list, SG_N, DMA_TO_DEVICE);
#endif
#if defined(SG_TWICE) && !defined(FIXTURE_CLEAN)
	dma_unmap_sg(dev, sg_list, SG_N, DMA_TO_DEVICE);
#endif
#if defined(SG_SYNC_UNMAPPED) && !defined(FIXTURE_CLEAN)
	dma_sync_sg_for_device(dev, sg_list, SG_N, DMA_TO_DEVICE);
#endif
#if defined(SG_SYNC_CPU_UNMAPPED) && !defined(FIXTURE_CLEAN)
	dma_sync_sg_for_cpu(dev, sg_list, SG_N, DMA_TO_DEVICE);
#endif
	return 0;
}

static int sg_map_table(struct device *dev)
{
	int err = sg_alloc_table(&sg_table, SG_N, GFP_KERNEL);
	struct scatterlist *sg;
	int i;

	if (err)
		return err;
	for_each_sgtable_sg(&sg_table, sg, i)
		sg_set_buf(sg, (void *)sg_pages[i], PAGE_SIZE);
	err = dma_map_sgtable(dev, &sg_table, DMA_BIDIRECTIONAL, 0);
#if defined(SG_AGAIN)
	if (!err) {
		sg_unmap(dev, sg_table.sgl, sg_table.orig_nents, DMA_BIDIRECTIONAL, 0);
		err = dma_map_sgtable(dev, &sg_table, DMA_BIDIRECTIONAL, 0);
	}
#endif
	if (err) {
		sg_free_table(&sg_table);
		return err;
	}
#if !defined(SG_TABLE_LEAK) || defined(FIXTURE_CLEAN)
	dma_unmap_sgtable(dev, &sg_table, DMA_BIDIRECTIONAL, 0);
#endif
	return 0;
}

static void sg_free(void)
{
	int i;

	for (i = 0; i < SG_N; i++)
		free_page(sg_pages[i]);
}

static int __init sg_init(void)
{
	int err = -ENOMEM, i;

	for (i = 0; i < SG_N; i++)
		sg_pages[i] = __get_free_page(GFP_KERNEL);
	if (!sg_pages[0] || !sg_pages[1])
		goto out_pages;
	sg_pdev = platform_device_register_simple(KBUILD_MODNAME, -1, NULL, 0);
	if (IS_ERR(sg_pdev)) {
		err = PTR_ERR(sg_pdev);
		goto out_pages;
	}
	err = sg_map_list(&sg_pdev->dev);
	if (!err)
		err = sg_map_table(&sg_pdev->dev);
	if (!err)
		return 0;
	platform_device_unregister(sg_pdev);
out_pages:
	sg_free();
	return err;
}

static void __exit sg_exit(void)
{
	sg_free_table(&sg_table);
	platform_device_unregister(sg_pdev);
	sg_free();
}

module_init(sg_init);
module_exit(sg_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ddv fixture: scatterlists mapped for DMA");
