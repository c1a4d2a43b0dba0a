// SPDX-License-Identifier: GPL-2.0
/* bench_kmalloc.c: times kmalloc+kfree pairs at load, for scripts/bench-vm (with, without ddv). */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/ktime.h>
#include <linux/sort.h>

static unsigned int pairs = 100000;
module_param(pairs, uint, 0444);
MODULE_PARM_DESC(pairs, "kmalloc+kfree pairs per round");
static unsigned int rounds = 7;
module_param(rounds, uint, 0444);
MODULE_PARM_DESC(rounds, "rounds; the best and the median round are reported");
/* A parameter, not a constant, so the call is __kmalloc() and not folded into a cache. */
static unsigned int size = 64;
module_param(size, uint, 0444);
MODULE_PARM_DESC(size, "bytes per allocation");

#define MAX_ROUNDS 31

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/*
 * Runs in init so that ddv, which patches the driver's init text too, sees these calls
 * when the module is its driver under test.
 */
static int __init bench_kmalloc_init(void)
{
	u64 ns[MAX_ROUNDS];
	unsigned int r, i;

	if (rounds < 1 || rounds > MAX_ROUNDS || pairs < 1)
		return -EINVAL;
	for (r = 0; r < rounds; r++) {
		u64 start = ktime_get_ns();

		for (i = 0; i < pairs; i++) {
			void *p = kmalloc(size, GFP_KERNEL);

			if (!p)
				return -ENOMEM;
			/* Touch it, so that nothing treats the pair as dead code. */
			WRITE_ONCE(*(char *)p, (char)i);
			kfree(p);
		}
		ns[r] = ktime_get_ns() - start;
		cond_resched();
	}
	sort(ns, rounds, sizeof(ns[0]), cmp_u64, NULL);
	pr_info("bench_kmalloc: pairs=%u rounds=%u size=%u best_ps_per_pair=%llu median_ps_per_pair=%llu\n",
		pairs, rounds, size, div_u64(ns[0] * 1000, pairs),
		div_u64(ns[rounds / 2] * 1000, pairs));
	return 0;
}

static void __exit bench_kmalloc_exit(void)
{
}

module_init(bench_kmalloc_init);
module_exit(bench_kmalloc_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ddv benchmark: kmalloc+kfree pairs timed at load");
