// SPDX-License-Identifier: GPL-2.0
/*
 * bench_blk.c: times blk_mq_start_request+blk_mq_end_request in a blk-mq driver's queue_rq,
 * for tests/drivers/rt-selftest/bench-vm (without ddv, then as ddv's driver under test, through
 * the wrappers and rules of specs/linux/block.ddv). Init sends driver requests (REQ_OP_DRV_IN,
 * no data) through a queue of its own, one at a time; queue_rq times its two calls. Under
 * -icount shift=0 a nanosecond is a guest instruction. The end includes the block layer's
 * completion of the request (its end_io wakes the waiter), the same with and without ddv.
 */
#include <linux/module.h>
#include <linux/blkdev.h>
#include <linux/blk-mq.h>
#include <linux/ktime.h>
#include <linux/numa.h>
#include <linux/version.h>

static unsigned int reqs = 2000;
module_param(reqs, uint, 0444);
MODULE_PARM_DESC(reqs, "requests per round (best of 5 rounds)");

static struct blk_mq_tag_set bench_set;
static u64 bench_ns;

static blk_status_t bench_queue_rq(struct blk_mq_hw_ctx *hctx, const struct blk_mq_queue_data *bd)
{
	u64 t0 = ktime_get_ns();

	blk_mq_start_request(bd->rq);
	blk_mq_end_request(bd->rq, BLK_STS_OK);
	bench_ns += ktime_get_ns() - t0;
	return BLK_STS_OK;
}

static const struct blk_mq_ops bench_ops = { .queue_rq = bench_queue_rq };

static int bench_round(struct request_queue *q, u64 *per_req)
{
	struct request *rq;
	unsigned int i;

	bench_ns = 0;
	for (i = 0; i < reqs; i++) {
		rq = blk_mq_alloc_request(q, REQ_OP_DRV_IN, 0);
		if (IS_ERR(rq))
			return PTR_ERR(rq);
		blk_execute_rq(rq, false);
		blk_mq_free_request(rq);
	}
	*per_req = div_u64(bench_ns, reqs);
	return 0;
}

static int __init bench_blk_init(void)
{
	struct request_queue *q;
	u64 best = U64_MAX, per_req;
	int err, round;

	if (!reqs)
		return -EINVAL;
	bench_set.ops = &bench_ops;
	bench_set.nr_hw_queues = 1;
	bench_set.queue_depth = 4;
	bench_set.numa_node = NUMA_NO_NODE;
	err = blk_mq_alloc_tag_set(&bench_set);
	if (err)
		return err;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
	q = blk_mq_alloc_queue(&bench_set, NULL, NULL);
#else
	q = blk_mq_init_queue(&bench_set);
#endif
	if (IS_ERR(q)) {
		err = PTR_ERR(q);
		goto set;
	}
	for (round = 0; round < 5 && !err; round++) {
		err = bench_round(q, &per_req);
		best = min(best, per_req);
	}
	if (!err)
		pr_info("bench_blk: %u requests: start+end %llu ns per request\n", reqs, best);
	blk_mq_destroy_queue(q);
	blk_put_queue(q);
set:
	blk_mq_free_tag_set(&bench_set);
	/* Nothing to keep: the figure is in the log. */
	return err;
}

static void __exit bench_blk_exit(void)
{
}

module_init(bench_blk_init);
module_exit(bench_blk_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ddv bench: blk_mq_start_request+blk_mq_end_request in queue_rq");
