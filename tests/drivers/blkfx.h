/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The body of the block fixtures (specs/linux/block.ddv): a null-blk-like driver. Its init
 * registers a major, allocates a blk-mq tag set, a queue of its own (blk_mq_init_queue, as SCSI
 * has), a blk-mq disk that it adds and a bio-based disk that it never adds, then sends one
 * driver request (REQ_OP_DRV_IN) through the added disk's queue, which its queue_rq() starts
 * and ends. Exit undoes each. blkfx_clean.c is that; each blkfx_NAME.c defines one BF_* defect
 * and includes this file, so that a module differs from the clean one only in the lines under
 * its macro.
 *
 * What keeps them safe in the test VM: the disk has no partitions (GENHD_FL_NO_PART) and nothing
 * else reads it, so the fixture's own driver request is the only one, sent and waited for one
 * at a time: queue_rq signals the fixture once it has ended it. Its end frees it (no end_io);
 * a second end (BF_END_TWICE) drops a reference already dropped, which the kernel WARNs about
 * and takes to -1, not 0, so nothing is freed twice, and no other request can take its tag in
 * between. A request ended without a start has no timer to fire, and one started twice
 * (BF_START_TWICE, which the kernel WARNs about) has its timer set again. The releases ddv must
 * report are ones the kernel refuses with a WARN (a major unregistered twice, a disk deleted
 * that was never added). What a defect leaks (a major, a tag set's requests, a queue, a disk
 * that was never added) is kernel memory nothing walks once the fixture is gone.
 *
 * BF_AGAIN (blkfx_again, the twin; blkfx_unseen with BF_UNSEEN, a name short enough for a
 * major, of which the kernel keeps 15 characters and unregister_blkdev compares them): init
 * releases each object as soon as it has it and makes it again, unseen by ddv with BF_UNSEEN
 * (the release through a function pointer). ddv, which holds each live still, reports the new
 * one as made again while live. The major is the same (the highest free one) and the tag set
 * the fixture's own. A queue or disk must come back where the kernel freed it (after an RCU
 * grace period: rcu_barrier), on one CPU. SLUB gives a freed block back first only if its slab
 * was the CPU's current one when it was freed and nothing took it since, which nothing promises
 * for a disk freed by RCU while the task slept; and __blk_mq_alloc_disk's queue takes the first
 * gendisk-sized block itself (on 6.1 the poll statistics' 640 bytes, kmalloc-1k as the gendisk's
 * 672). So the fixture takes the disk's block back with kmallocs of a gendisk's size and frees
 * it last, the next such block: before the make, or for a blk-mq disk in its queue's init_hctx,
 * after the queue's own blocks (bf_take). A queue (a cache of its own) is made again until it is
 * at its address, the misses held. Each again prints whether it got its address back, which
 * tests/vm/fixture-block.sh reads: a rule whose object did not come back could not fire.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
#include <linux/module.h>
#include <linux/blkdev.h>
#include <linux/blk-mq.h>
#include <linux/completion.h>
#include <linux/numa.h>
#include <linux/version.h>

#define BF_SECTORS 2048

static int bf_major;
static struct blk_mq_tag_set bf_set;
static struct request_queue *bf_queue;
static struct gendisk *bf_disk, *bf_bio_disk;
static DECLARE_COMPLETION(bf_done);

static const struct block_device_operations bf_fops = { .owner = THIS_MODULE };

static blk_status_t bf_queue_rq(struct blk_mq_hw_ctx *hctx, const struct blk_mq_queue_data *bd)
{
	struct request *rq = bd->rq;

	/* The defects touch the fixture's own driver request alone. */
#ifdef BF_END_UNSTARTED
	if (req_op(rq) != REQ_OP_DRV_IN)
#endif
		blk_mq_start_request(rq);
#ifdef BF_START_TWICE
	if (req_op(rq) == REQ_OP_DRV_IN)
		blk_mq_start_request(rq);
#endif
	blk_mq_end_request(rq, BLK_STS_OK);
	if (req_op(rq) == REQ_OP_DRV_IN) {
#ifdef BF_END_TWICE
		blk_mq_end_request(rq, BLK_STS_OK);
#endif
		complete(&bf_done);
	}
	return BLK_STS_OK;
}

#ifdef BF_AGAIN
static int bf_init_hctx(struct blk_mq_hw_ctx *hctx, void *data, unsigned int index);
#else
#define bf_init_hctx NULL
#endif

static const struct blk_mq_ops bf_ops = { .queue_rq = bf_queue_rq, .init_hctx = bf_init_hctx };

/* One driver request through the disk's queue, waited for; its end frees it. */
static int bf_request(struct request_queue *q)
{
	struct request *rq = blk_mq_alloc_request(q, REQ_OP_DRV_IN, 0);

	if (IS_ERR(rq))
		return PTR_ERR(rq);
	reinit_completion(&bf_done);
	blk_execute_rq_nowait(rq, false);
	wait_for_completion(&bf_done);
	return 0;
}

#ifdef BF_AGAIN
/* The versioned calls of init, once more. */
static struct request_queue *bf_init_queue(void)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
	return blk_mq_alloc_queue(&bf_set, NULL, NULL);
#else
	return blk_mq_init_queue(&bf_set);
#endif
}

static struct gendisk *bf_bio_alloc(void)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
	return blk_alloc_disk(NULL, NUMA_NO_NODE);
#else
	return blk_alloc_disk(NUMA_NO_NODE);
#endif
}

#ifdef BF_UNSEEN
/* The real functions, called where ddv does not redirect (volatile: never folded). */
#define BF_POINTER(fn) static typeof(&fn) volatile bf_hidden_##fn = fn
BF_POINTER(unregister_blkdev);
BF_POINTER(blk_mq_free_tag_set);
BF_POINTER(blk_mq_destroy_queue);
BF_POINTER(blk_put_queue);
BF_POINTER(put_disk);
#define BF_HIDDEN(fn) bf_hidden_##fn
#else
#define BF_HIDDEN(fn) fn
#endif

#define BF_AGAIN_DO(release, make) \
	do { migrate_disable(); release; rcu_barrier(); make; migrate_enable(); } while (0)

#define BF_TRIES 1024
static void *bf_held[BF_TRIES];

/*
 * The block at OLD, a gendisk's size, taken back: kmallocs of that size until one is OLD (the
 * others freed), or NULL after BF_TRIES. Freed again at once, it is the next block of its cache
 * on this CPU: its slab is the current one, as that of any block just allocated.
 */
static void *bf_take(const void *old)
{
	void *p = NULL;
	int n = 0;

	while (n < BF_TRIES) {
		p = kmalloc(sizeof(struct gendisk), GFP_KERNEL);
		if (!p || p == old)
			break;
		bf_held[n++] = p;
	}
	while (n)
		kfree(bf_held[--n]);
	return p == old ? p : NULL;
}

static void bf_free_last(const void *old)
{
	kfree(bf_take(old));
}

/* The old blk-mq disk, held by bf_take until its queue has its own blocks (bf_init_hctx). */
static const void *bf_mq_old;
static void *bf_mq_block;

static int bf_init_hctx(struct blk_mq_hw_ctx *hctx, void *data, unsigned int index)
{
	if (bf_mq_old) {
		kfree(bf_mq_block);
		bf_free_last(bf_mq_old);
		bf_mq_old = bf_mq_block = NULL;
	}
	return 0;
}

/*
 * release (VAR), then VAR = make (prepare first) until VAR is at its old address, an error or
 * BF_MISSES misses, which are held (a queue's block stays taken) and put at the end; on one CPU.
 */
#define BF_MISSES 64
static void *bf_misses[BF_MISSES];

#define BF_AGAIN_AT(what, var, release, prepare, make, put) do { \
	typeof(var) bf_old = (var); \
	int bf_n = 0; \
	migrate_disable(); \
	release; \
	rcu_barrier(); \
	for (;;) { \
		prepare; \
		(var) = make; \
		if (IS_ERR_OR_NULL(var) || (var) == bf_old || bf_n == BF_MISSES) \
			break; \
		bf_misses[bf_n++] = (var); \
	} \
	while (bf_n) \
		put(bf_misses[--bf_n]); \
	migrate_enable(); \
	pr_info("%s made again %s\n", what, \
		(var) == bf_old ? "at its old address" : "elsewhere, not at its old address"); \
} while (0)

static void bf_queue_put(struct request_queue *q)
{
	blk_mq_destroy_queue(q);
	blk_put_queue(q);
}

static struct gendisk *bf_mq_alloc(void)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
	return blk_mq_alloc_disk(&bf_set, NULL, NULL);
#else
	return blk_mq_alloc_disk(&bf_set, NULL);
#endif
}

/* A disk for the fixture's queue, put (seen or not) and made again; then put. */
static int bf_disk_for_queue(void)
{
	struct gendisk *disk = blk_mq_alloc_disk_for_queue(bf_queue, NULL);

	if (!disk)
		return -ENOMEM;
	BF_AGAIN_AT("disk for queue", disk, BF_HIDDEN(put_disk)(disk), bf_free_last(bf_old),
		    blk_mq_alloc_disk_for_queue(bf_queue, NULL), put_disk);
	if (!disk)
		return -ENOMEM;
	put_disk(disk);
	return 0;
}

/* A blk-mq disk (its own queue), the same way. */
static int bf_mq_disk(void)
{
	struct gendisk *disk = bf_mq_alloc();

	if (IS_ERR(disk))
		return PTR_ERR(disk);
	BF_AGAIN_AT("blk-mq disk", disk, BF_HIDDEN(put_disk)(disk),
		    (bf_mq_old = bf_old, bf_mq_block = bf_take(bf_old)), bf_mq_alloc(), put_disk);
	/* A make that failed before its init_hctx left the block held. */
	kfree(bf_mq_block);
	bf_mq_old = bf_mq_block = NULL;
	if (IS_ERR(disk))
		return PTR_ERR(disk);
	put_disk(disk);
	return 0;
}
#else
#define BF_AGAIN_DO(release, make) do { } while (0)
#endif

static int __init bf_init(void)
{
	int err;

	bf_major = register_blkdev(0, KBUILD_MODNAME);
	if (bf_major < 0)
		return bf_major;
	BF_AGAIN_DO(BF_HIDDEN(unregister_blkdev)(bf_major, KBUILD_MODNAME),
		    bf_major = register_blkdev(0, KBUILD_MODNAME));
	if (bf_major < 0)
		return bf_major;
	bf_set.ops = &bf_ops;
	bf_set.nr_hw_queues = 1;
	bf_set.queue_depth = 4;
	bf_set.numa_node = NUMA_NO_NODE;
	err = blk_mq_alloc_tag_set(&bf_set);
	if (err)
		goto blkdev;
	BF_AGAIN_DO(BF_HIDDEN(blk_mq_free_tag_set)(&bf_set), err = blk_mq_alloc_tag_set(&bf_set));
	if (err)
		goto blkdev;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
	bf_queue = blk_mq_alloc_queue(&bf_set, NULL, NULL);
#else
	bf_queue = blk_mq_init_queue(&bf_set);
#endif
	if (IS_ERR(bf_queue)) {
		err = PTR_ERR(bf_queue);
		goto set;
	}
#ifdef BF_AGAIN
	BF_HIDDEN(blk_mq_destroy_queue)(bf_queue);
	BF_AGAIN_AT("queue", bf_queue, BF_HIDDEN(blk_put_queue)(bf_queue), , bf_init_queue(),
		    bf_queue_put);
	if (IS_ERR(bf_queue)) {
		err = PTR_ERR(bf_queue);
		goto set;
	}
	err = bf_disk_for_queue();
	if (!err)
		err = bf_mq_disk();
	if (err)
		goto queue;
#endif
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
	bf_disk = blk_mq_alloc_disk(&bf_set, NULL, NULL);
#else
	bf_disk = blk_mq_alloc_disk(&bf_set, NULL);
#endif
	if (IS_ERR(bf_disk)) {
		err = PTR_ERR(bf_disk);
		goto queue;
	}
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
	bf_bio_disk = blk_alloc_disk(NULL, NUMA_NO_NODE);
#else
	bf_bio_disk = blk_alloc_disk(NUMA_NO_NODE);
#endif
#ifdef BF_AGAIN
	if (!IS_ERR_OR_NULL(bf_bio_disk))
		BF_AGAIN_AT("bio disk", bf_bio_disk, BF_HIDDEN(put_disk)(bf_bio_disk),
			    bf_free_last(bf_old), bf_bio_alloc(), put_disk);
#endif
	if (IS_ERR_OR_NULL(bf_bio_disk)) {
		err = bf_bio_disk ? PTR_ERR(bf_bio_disk) : -ENOMEM;
		bf_bio_disk = NULL;
		goto mq_disk;
	}
	bf_disk->major = bf_major;
	bf_disk->first_minor = 0;
	bf_disk->minors = 1;
	bf_disk->fops = &bf_fops;
	bf_disk->flags |= GENHD_FL_NO_PART;
	snprintf(bf_disk->disk_name, sizeof(bf_disk->disk_name), "%s", KBUILD_MODNAME);
	set_capacity(bf_disk, BF_SECTORS);
	err = add_disk(bf_disk);
	if (err)
		goto bio_disk;
	err = bf_request(bf_disk->queue);
	if (err)
		goto del;
	return 0;

del:
	del_gendisk(bf_disk);
bio_disk:
	put_disk(bf_bio_disk);
mq_disk:
#ifndef BF_DISK_LEAK
	/* BF_DISK_LEAK's defect: a disk whose add failed is forgotten. */
	put_disk(bf_disk);
#endif
queue:
	blk_mq_destroy_queue(bf_queue);
	blk_put_queue(bf_queue);
set:
	blk_mq_free_tag_set(&bf_set);
blkdev:
	unregister_blkdev(bf_major, KBUILD_MODNAME);
	return err;
}

static void __exit bf_exit(void)
{
	del_gendisk(bf_disk);
	put_disk(bf_disk);
#ifdef BF_DEL_UNADDED
	del_gendisk(bf_bio_disk);
#endif
	put_disk(bf_bio_disk);
#ifndef BF_QUEUE_LEAK
	blk_mq_destroy_queue(bf_queue);
	blk_put_queue(bf_queue);
#endif
#ifndef BF_TAG_SET_LEAK
	blk_mq_free_tag_set(&bf_set);
#endif
#ifndef BF_BLKDEV_LEAK
	unregister_blkdev(bf_major, KBUILD_MODNAME);
#endif
#ifdef BF_BLKDEV_TWICE
	unregister_blkdev(bf_major, KBUILD_MODNAME);
#endif
}

module_init(bf_init);
module_exit(bf_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ddv fixture: a null-blk-like block driver");
