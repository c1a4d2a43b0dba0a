// SPDX-License-Identifier: GPL-2.0
/*
 * block fixture: a blk-mq disk put unseen (put_disk through a function pointer: ddv redirects
 * direct call sites only), then blk-mq disks made until one comes where the kernel freed the
 * first, which ddv holds live still (block.mq-alloc-disk-live).
 *
 * __blk_mq_alloc_disk makes the disk's queue first, whose own allocations may take the freed
 * disk's memory (blkfx.h), so the disks made are kept until one has its address, at most
 * BM_TRIES, then all put with direct calls. blkfx_mq_again_clean puts the first disk directly
 * and makes the same disks. No disk is ever added: nothing reads them.
 */
#include <linux/module.h>
#include <linux/blkdev.h>
#include <linux/blk-mq.h>
#include <linux/numa.h>
#include <linux/version.h>

#define BM_TRIES 16

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

static int __init bm_init(void)
{
	static struct gendisk *made[BM_TRIES];
	struct gendisk *first;
	int err, n, i;

	bm_set.ops = &bm_ops;
	bm_set.nr_hw_queues = 1;
	bm_set.queue_depth = 4;
	bm_set.numa_node = NUMA_NO_NODE;
	err = blk_mq_alloc_tag_set(&bm_set);
	if (err)
		return err;
	first = bm_alloc();
	if (IS_ERR(first)) {
		err = PTR_ERR(first);
		goto set;
	}
	BM_PUT(first);
	/* The disk is freed with its inode, after an RCU grace period. */
	rcu_barrier();
	for (n = 0; n < BM_TRIES; n++) {
		made[n] = bm_alloc();
		if (IS_ERR(made[n]) || made[n] == first)
			break;
	}
	/* No disk at its address (the defect's stale record then shows as a leak): no error. */
	for (i = 0; i <= n && i < BM_TRIES; i++)
		if (!IS_ERR(made[i]))
			put_disk(made[i]);
set:
	blk_mq_free_tag_set(&bm_set);
	return err;
}

static void __exit bm_exit(void)
{
}

module_init(bm_init);
module_exit(bm_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ddv fixture: a blk-mq disk made again where a put one was");
