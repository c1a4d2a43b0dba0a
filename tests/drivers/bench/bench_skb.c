// SPDX-License-Identifier: GPL-2.0
/*
 * bench_skb.c: times skb alloc+free pairs at load, for tests/drivers/rt-selftest/bench-vm
 * (without ddv, then as ddv's driver under test, through the wrappers and rules of
 * specs/linux/net.ddv): netdev_alloc_skb+kfree_skb (the receive path's allocation and a
 * drop) and netdev_alloc_skb+dev_kfree_skb_any (a transmit completion's free). Under
 * -icount shift=0 a nanosecond is a guest instruction.
 */
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/ktime.h>

static unsigned int pairs = 20000;
module_param(pairs, uint, 0444);
MODULE_PARM_DESC(pairs, "alloc+free pairs per round (best of 5 rounds)");

/* Always inline, so that the calls lie in the caller's text (init or core). */
static __always_inline u64 bench_skb_pairs(bool any)
{
	u64 t0, best = U64_MAX;
	unsigned int round, i;

	for (round = 0; round < 5; round++) {
		t0 = ktime_get_ns();
		for (i = 0; i < pairs; i++) {
			struct sk_buff *skb = netdev_alloc_skb(NULL, 128);

			if (!skb)
				return 0;
			if (any)
				dev_kfree_skb_any(skb);
			else
				kfree_skb(skb);
		}
		best = min(best, ktime_get_ns() - t0);
	}
	return div_u64(best, pairs);
}

/* From core text, where a driver allocates and frees its skbs. */
static noinline void bench_core(void)
{
	u64 drop = bench_skb_pairs(false), any = bench_skb_pairs(true);

	pr_info("bench_skb: %u pairs from core text: kfree %llu ns any %llu ns per pair\n",
		pairs, drop, any);
}

static int __init bench_skb_init(void)
{
	u64 drop, any;

	if (!pairs)
		return -EINVAL;
	drop = bench_skb_pairs(false);
	any = bench_skb_pairs(true);
	pr_info("bench_skb: %u pairs from init text: kfree %llu ns any %llu ns per pair\n",
		pairs, drop, any);
	bench_core();
	return 0;
}

static void __exit bench_skb_exit(void)
{
}

module_init(bench_skb_init);
module_exit(bench_skb_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ddv benchmark: skb alloc+free pairs timed at load");
