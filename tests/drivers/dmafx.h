/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmafx.h: body of the dmafx_* fixtures (specs/linux/dma.ddv): a coherent buffer, a single
 * mapping and two DMA pools on a platform device of the fixture's own (32-bit DMA mask), each
 * made, used and given back at init. Each defect defines one macro:
 *   DF_NO_HANDLE     dma_alloc_coherent with no place for the bus address   dma.alloc-no-handle
 *   DF_ATOMIC        dma_alloc_coherent and dma_pool_alloc with GFP_KERNEL, preemption off
 *                                          dma.alloc-sleep-in-atomic, .pool-alloc-sleep-in-atomic
 *   DF_FREE_HANDLE   the buffer freed with another bus address (in its page)  dma.free-handle
 *   DF_FREE_DEVICE   the buffer freed for a second device of the fixture's     dma.free-device
 *   DF_DOUBLE_FREE   the buffer freed twice                                    dma.double-free
 *   DF_AGAIN         the buffer, a pool and a block given back unseen (through a function
 *                    pointer: ddv redirects direct call sites only) and made again where the
 *                    kernel freed them, while ddv holds them live
 *                                  dma.alloc-live, .pool-create-live, .pool-block-live
 *   DF_MAP_TWICE     the buffer mapped twice (the same bus address), unmapped once  dma.map-live
 *   DF_MAP_DIR       it is mapped with DMA_NONE                                dma.map-direction
 *   DF_UNMAP_SIZE    it is unmapped with half its size                         dma.unmap-size
 *   DF_UNMAP_DIR     it is unmapped with another direction                     dma.unmap-direction
 *   DF_UNMAP_TWICE   it is unmapped twice                                      dma.double-unmap
 *   DF_MAP_LEAK      it is never unmapped                                      dma.mapping-leak
 *   DF_SYNC_UNMAPPED it is synced for the CPU and the device after the unmap
 *                                          dma.sync-cpu-unmapped, .sync-device-unmapped
 *   DF_POOL_LEAK     a pool is never destroyed                                 dma.pool-leak
 *   DF_POOL_BUSY     a pool is destroyed with a block taken
 *                                          dma.pool-destroy-busy, .pool-block-leak
 *   DF_POOL_TWICE    a pool is destroyed twice                         dma.pool-double-destroy
 *   DF_POOL_DOUBLE_FREE  a block is freed twice                                dma.pool-double-free
 *   DF_POOL_OTHER    a block is freed into the other pool (which the kernel refuses, so its own
 *                    pool is destroyed busy)          dma.pool-free-other-pool, .pool-destroy-busy
 *   DF_POOL_HANDLE   a block is freed with another bus address (in its page) dma.pool-free-handle
 * Their clean twins (FIXTURE_CLEAN) make the same calls rightly: dmafx_clean for most;
 * dmafx_no_handle_clean, dmafx_map_dir_clean and dmafx_atomic_clean under the same injection;
 * dmafx_again_clean with direct releases. DF_NO_HANDLE and DF_MAP_DIR run only with their call
 * failed by injection (the kernel writes the bus address through the pointer, BUGs on
 * DMA_NONE), DF_ATOMIC with both calls failed (they would sleep).
 *
 * What keeps the defects safe (6.1; fixture-dmasg.sh): the mapping is direct (no IOMMU, memory
 * below 4 GiB, x86 cache-coherent), so a bus address is a physical address, an unmap or a sync
 * does nothing, and a buffer or block freed with another bus address in its page frees the
 * same page or block. The double free holds a second reference to the buffer's page, which
 * the second free drops. What the kernel must not see twice it sees once, behind ddv's back
 * (a function pointer): the pool destroyed twice is a second pool the kernel made at the first
 * one's address, the block freed twice a block taken again at its address (a pool hands its
 * last freed block out first), and the block 6.1 refused into the other pool is freed into its
 * own. A pool destroyed busy leaks its page, a leaked pool its memory: nothing walks either.
 */
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/dma-mapping.h>
#include <linux/dmapool.h>
#include <linux/slab.h>
#include <linux/mm.h>

#define DF_LEN 256
#define DF_BLOCK 64

#if defined(FIXTURE_CLEAN)
#define DF_DEFECT 0
#else
#define DF_DEFECT 1
#endif

static struct platform_device *df_pdev, *df_pdev2;
static void *df_buf;

/* The real functions, called where ddv does not redirect (volatile: never folded). */
#define DF_POINTER(fn) static typeof(&fn) volatile df_hidden_##fn __maybe_unused = fn
DF_POINTER(dma_free_attrs);
DF_POINTER(dma_pool_create);
DF_POINTER(dma_pool_destroy);
DF_POINTER(dma_pool_alloc);
DF_POINTER(dma_pool_free);

/* DF_AGAIN's releases: unseen in the defect, direct calls in its twin. */
#if defined(DF_AGAIN) && !defined(FIXTURE_CLEAN)
#define DF_UNSEEN(fn) df_hidden_##fn
#else
#define DF_UNSEEN(fn) fn
#endif

#ifdef DF_ATOMIC
/* The sleeping allocations with preemption off, failed by injection (caller df_atomic). */
static noinline void df_atomic(struct device *dev, struct dma_pool *pool)
{
	dma_addr_t h, hb;
	void *cpu, *blk;

	if (DF_DEFECT)
		preempt_disable();
	cpu = dma_alloc_coherent(dev, PAGE_SIZE, &h, GFP_KERNEL);
	blk = dma_pool_alloc(pool, GFP_KERNEL, &hb);
	if (DF_DEFECT)
		preempt_enable();
	if (cpu)
		dma_free_coherent(dev, PAGE_SIZE, cpu, h);
	if (blk)
		dma_pool_free(pool, blk, hb);
}
#endif

static int df_coherent(struct device *dev)
{
	dma_addr_t h;
	void *cpu;

#ifdef DF_NO_HANDLE
	cpu = dma_alloc_coherent(dev, PAGE_SIZE, DF_DEFECT ? NULL : &h, GFP_KERNEL);
#else
	cpu = dma_alloc_coherent(dev, PAGE_SIZE, &h, GFP_KERNEL);
#endif
	if (!cpu)
		return -ENOMEM;
#ifdef DF_AGAIN
	migrate_disable();
	DF_UNSEEN(dma_free_attrs)(dev, PAGE_SIZE, cpu, h, 0);
	cpu = dma_alloc_coherent(dev, PAGE_SIZE, &h, GFP_KERNEL);
	migrate_enable();
	if (!cpu)
		return -ENOMEM;
#endif
#if defined(DF_DOUBLE_FREE)
	get_page(virt_to_page(cpu));
	dma_free_coherent(dev, PAGE_SIZE, cpu, h);
	if (DF_DEFECT)
		dma_free_coherent(dev, PAGE_SIZE, cpu, h);
	else
		put_page(virt_to_page(cpu));
#elif defined(DF_FREE_HANDLE)
	dma_free_coherent(dev, PAGE_SIZE, cpu, DF_DEFECT ? h + 1 : h);
#elif defined(DF_FREE_DEVICE)
	dma_free_coherent(DF_DEFECT ? &df_pdev2->dev : dev, PAGE_SIZE, cpu, h);
#else
	dma_free_coherent(dev, PAGE_SIZE, cpu, h);
#endif
	return 0;
}

static int df_single(struct device *dev)
{
	enum dma_data_direction dir = DMA_TO_DEVICE;
	dma_addr_t handle;

#ifdef DF_MAP_DIR
	if (DF_DEFECT)
		dir = DMA_NONE;
#endif
	handle = dma_map_single(dev, df_buf, DF_LEN, dir);
	if (dma_mapping_error(dev, handle))
		return -EIO;
#ifdef DF_MAP_TWICE
	if (!DF_DEFECT)
		dma_unmap_single(dev, handle, DF_LEN, DMA_TO_DEVICE);
	handle = dma_map_single(dev, df_buf, DF_LEN, DMA_TO_DEVICE);
	if (dma_mapping_error(dev, handle))
		return -EIO;
#endif
	dma_sync_single_for_cpu(dev, handle, DF_LEN, DMA_TO_DEVICE);
	dma_sync_single_for_device(dev, handle, DF_LEN, DMA_TO_DEVICE);
#if defined(DF_MAP_LEAK)
	if (DF_DEFECT)
		return 0;
#endif
#if defined(DF_UNMAP_SIZE)
	dma_unmap_single(dev, handle, DF_DEFECT ? DF_LEN / 2 : DF_LEN, DMA_TO_DEVICE);
#elif defined(DF_UNMAP_DIR)
	dma_unmap_single(dev, handle, DF_LEN, DF_DEFECT ? DMA_FROM_DEVICE : DMA_TO_DEVICE);
#else
	dma_unmap_single(dev, handle, DF_LEN, DMA_TO_DEVICE);
#endif
#ifdef DF_UNMAP_TWICE
	if (DF_DEFECT)
		dma_unmap_single(dev, handle, DF_LEN, DMA_TO_DEVICE);
#endif
#ifdef DF_SYNC_UNMAPPED
	if (DF_DEFECT) {
		dma_sync_single_for_cpu(dev, handle, DF_LEN, DMA_TO_DEVICE);
		dma_sync_single_for_device(dev, handle, DF_LEN, DMA_TO_DEVICE);
	}
#endif
	return 0;
}

/*
 * Pool a lends one block, given back; pool b one block that DF_POOL_OTHER frees a's into;
 * both destroyed.
 */
static int df_pools(struct device *dev)
{
	struct dma_pool *a, *b;
	dma_addr_t ha, hb;
	void *blk, *blk_b;
	int err = -ENOMEM;

	a = dma_pool_create("dmafx_a", dev, DF_BLOCK, 8, 0);
	if (!a)
		return -ENOMEM;
#ifdef DF_AGAIN
	migrate_disable();
	DF_UNSEEN(dma_pool_destroy)(a);
	a = dma_pool_create("dmafx_a", dev, DF_BLOCK, 8, 0);
	migrate_enable();
	if (!a)
		return -ENOMEM;
#endif
	b = dma_pool_create("dmafx_b", dev, DF_BLOCK, 8, 0);
	if (!b)
		goto out_a;
#ifdef DF_ATOMIC
	df_atomic(dev, a);
#endif
	blk = dma_pool_alloc(a, GFP_KERNEL, &ha);
	if (!blk)
		goto out_b;
	blk_b = dma_pool_alloc(b, GFP_KERNEL, &hb);
	if (!blk_b) {
		dma_pool_free(a, blk, ha);
		goto out_b;
	}
#ifdef DF_AGAIN
	DF_UNSEEN(dma_pool_free)(a, blk, ha);
	blk = dma_pool_alloc(a, GFP_KERNEL, &ha);
	if (!blk) {
		dma_pool_free(b, blk_b, hb);
		goto out_b;
	}
#endif
#if defined(DF_POOL_BUSY)
	if (!DF_DEFECT)
		dma_pool_free(a, blk, ha);
#elif defined(DF_POOL_DOUBLE_FREE)
	{
		void *again;
		dma_addr_t h2;

		dma_pool_free(a, blk, ha);
		/* The block taken again unseen: a pool hands its last freed block out first. */
		again = df_hidden_dma_pool_alloc(a, GFP_KERNEL, &h2);
		if (again == blk && DF_DEFECT)
			dma_pool_free(a, blk, ha);
		else if (again)
			df_hidden_dma_pool_free(a, again, h2);
	}
#elif defined(DF_POOL_OTHER)
	if (DF_DEFECT) {
		/* 6.1 refuses it ("bad dma"): the block is still a's, freed there unseen. */
		dma_pool_free(b, blk, ha);
		df_hidden_dma_pool_free(a, blk, ha);
	} else {
		dma_pool_free(a, blk, ha);
	}
#elif defined(DF_POOL_HANDLE)
	dma_pool_free(a, blk, DF_DEFECT ? ha + 1 : ha);
#else
	dma_pool_free(a, blk, ha);
#endif
	dma_pool_free(b, blk_b, hb);
	err = 0;
out_b:
	dma_pool_destroy(b);
out_a:
#if defined(DF_POOL_LEAK)
	if (DF_DEFECT && !err)
		return 0;
#endif
	dma_pool_destroy(a);
#ifdef DF_POOL_TWICE
	{
		/* A pool made unseen at a's address: the second destroy ends it for the kernel. */
		struct dma_pool *again;

		migrate_disable();
		again = df_hidden_dma_pool_create("dmafx_a", dev, DF_BLOCK, 8, 0);
		migrate_enable();
		if (again == a && DF_DEFECT)
			dma_pool_destroy(a);
		else if (again)
			df_hidden_dma_pool_destroy(again);
	}
#endif
	return err;
}

static int __init df_init(void)
{
	int err;

	df_buf = kzalloc(DF_LEN, GFP_KERNEL);
	if (!df_buf)
		return -ENOMEM;
	df_pdev = platform_device_register_simple(KBUILD_MODNAME, -1, NULL, 0);
	if (IS_ERR(df_pdev)) {
		err = PTR_ERR(df_pdev);
		goto out_buf;
	}
	df_pdev2 = platform_device_register_simple(KBUILD_MODNAME "_2", -1, NULL, 0);
	if (IS_ERR(df_pdev2)) {
		err = PTR_ERR(df_pdev2);
		goto out_pdev;
	}
	err = df_coherent(&df_pdev->dev);
	if (!err)
		err = df_single(&df_pdev->dev);
	if (!err)
		err = df_pools(&df_pdev->dev);
	if (!err)
		return 0;
	platform_device_unregister(df_pdev2);
out_pdev:
	platform_device_unregister(df_pdev);
out_buf:
	kfree(df_buf);
	return err;
}

static void __exit df_exit(void)
{
	platform_device_unregister(df_pdev2);
	platform_device_unregister(df_pdev);
	kfree(df_buf);
}

module_init(df_init);
module_exit(df_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ddv fixture: coherent buffers, single mappings and DMA pools");
