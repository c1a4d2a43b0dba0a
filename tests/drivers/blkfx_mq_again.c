// SPDX-License-Identifier: GPL-2.0
/*
 * block fixture: a blk-mq disk put unseen (put_disk through a function pointer: ddv redirects
 * direct call sites only), then a blk-mq disk made where the kernel freed the first, which ddv
 * holds live still (block.mq-alloc-disk-live).
 *
 * __blk_mq_alloc_disk makes the disk's queue first, whose own allocations of the disk's size
 * take the freed disk's memory (blkfx.h). So, on one CPU (the slab hands out the object freed
 * last first): a calibration disk, made after BM_SPARES spare blocks of the disk's size were
 * freed, shows how many the queue takes (the spare it lands on); after the unseen put, spare
 * blocks are taken until one is the freed disk, which goes back first, under as many spares
 * as the queue takes; the disk made next is at the first one's address. blkfx_mq_again_clean
 * puts the first disk directly and does the same. No disk is ever added: nothing reads them.
 */
#include <linux/module.h>
#include <linux/blkdev.h>
#include <linux/blk-mq.h>
#include <linux/numa.h>
#include <linux/version.h>
#include <linux/slab.h>

static void (*volatile bm_unseen_put)(struct gendisk *) = put_disk;

#ifdef FIXTURE_CLEAN
#define BM_PUT put_disk
#else
#define BM_PUT bm_unseen_put
#endif

static struct blk_mq_tag_set bm_set;

static blk_status_t bm_queue_rq(struct blk_mq_hw_ctx *hctx, const struct blk_mq_queue_data *bd)
{
	return BLK_STS_IOERR;
}

static const struct blk_mq_ops bm_ops = { .queue_rq = bm_queue_rq };

static struct gendisk *bm_alloc(void)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
	return blk_mq_alloc_disk(&bm_set, NULL, NULL);
#else
	return blk_mq_alloc_disk(&bm_set, NULL);
#endif
}

#define BM_SPARES 16

static void *bm_spare[BM_SPARES], *bm_addr[BM_SPARES];

/* Frees the spares from..to-1, the last one on top. */
static void bm_free_spares(int from, int to)
{
	for (; from < to; from++) {
		kfree(bm_spare[from]);
		bm_spare[from] = NULL;
	}
}

/* How many blocks of the disk's size the disk's queue takes (-1: not seen). */
static int bm_calibrate(void)
{
	struct gendisk *disk;
	int n, i, taken = -1;

	for (n = 0; n < BM_SPARES; n++) {
		bm_spare[n] = kmalloc(sizeof(struct gendisk), GFP_KERNEL);
		bm_addr[n] = bm_spare[n];
		if (!bm_spare[n])
			break;
	}
	bm_free_spares(0, n);
	disk = bm_alloc();
	if (IS_ERR(disk))
		return -1;
	for (i = 0; i < n; i++)
		if ((void *)disk == bm_addr[i])
			taken = n - 1 - i;
	put_disk(disk);
	rcu_barrier();
	return taken;
}

static int __init bm_init(void)
{
	struct gendisk *first, *disk = NULL;
	int err, taken, n;

	bm_set.ops = &bm_ops;
	bm_set.nr_hw_queues = 1;
	bm_set.queue_depth = 4;
	bm_set.numa_node = NUMA_NO_NODE;
	err = blk_mq_alloc_tag_set(&bm_set);
	if (err)
		return err;
	migrate_disable();
	taken = bm_calibrate();
	first = bm_alloc();
	if (IS_ERR(first)) {
		err = PTR_ERR(first);
		goto out;
	}
	BM_PUT(first);
	/* The disk is freed with its inode, after an RCU grace period. */
	rcu_barrier();
	/* The freed disk taken as a spare, then given back under the queue's share of spares. */
	for (n = 0; n < BM_SPARES; n++) {
		bm_spare[n] = kmalloc(sizeof(struct gendisk), GFP_KERNEL);
		if (!bm_spare[n] || bm_spare[n] == (void *)first)
			break;
	}
	if (n < BM_SPARES && bm_spare[n] && taken >= 0 && taken <= n) {
		bm_free_spares(n, n + 1);
		bm_free_spares(n - taken, n);
		disk = bm_alloc();
		if (!IS_ERR(disk))
			put_disk(disk);
	}
	bm_free_spares(0, BM_SPARES);
out:
	migrate_enable();
	blk_mq_free_tag_set(&bm_set);
	pr_info("%s: queue takes %d, first %px, disk %px\n", KBUILD_MODNAME, taken, first, disk);
	return err;
}

static void __exit bm_exit(void)
{
}

module_init(bm_init);
module_exit(bm_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ddv fixture: a blk-mq disk made again where a put one was");
