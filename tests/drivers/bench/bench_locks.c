// SPDX-License-Identifier: GPL-2.0
/*
 * bench_locks.c: times spin_lock+spin_unlock and mutex_lock+mutex_unlock pairs at load,
 * the mutex in the module's data (DEFINE_MUTEX) and in the heap (mutex_init), for
 * tests/drivers/rt-selftest/bench-vm (without ddv, then as ddv's driver under test,
 * through the wrappers and rules of specs/linux/locks.ddv). Under -icount shift=0 a
 * nanosecond is a guest instruction.
 */
#include <linux/module.h>
#include <linux/spinlock.h>
#include <linux/mutex.h>
#include <linux/ktime.h>
#include <linux/slab.h>

static unsigned int pairs = 20000;
module_param(pairs, uint, 0444);
MODULE_PARM_DESC(pairs, "lock+unlock pairs per round (best of 5 rounds)");
/* profile-vm --mutex and --heap-mutex time one kind alone, so that its profile is its own. */
static unsigned int which = 7;
module_param(which, uint, 0444);
MODULE_PARM_DESC(which, "the pairs timed: 1 spin, 2 DEFINE_MUTEX, 4 heap mutex, a sum (others print 0)");

static DEFINE_SPINLOCK(bench_spin);
static DEFINE_MUTEX(bench_mutex);
static struct mutex *bench_heap_mutex;
static unsigned long bench_counter;

/* Always inline, so that the calls lie in the caller's text (init or core). */
static __always_inline u64 bench_spin_pairs(void)
{
	u64 t0, best = U64_MAX;
	unsigned int round, i;

	if (!(which & 1))
		return 0;
	for (round = 0; round < 5; round++) {
		t0 = ktime_get_ns();
		for (i = 0; i < pairs; i++) {
			spin_lock(&bench_spin);
			WRITE_ONCE(bench_counter, bench_counter + 1);
			spin_unlock(&bench_spin);
		}
		best = min(best, ktime_get_ns() - t0);
	}
	return div_u64(best, pairs);
}

static __always_inline u64 bench_mutex_pairs(struct mutex *m)
{
	u64 t0, best = U64_MAX;
	unsigned int round, i;

	if (!(which & (m == &bench_mutex ? 2 : 4)))
		return 0;
	for (round = 0; round < 5; round++) {
		t0 = ktime_get_ns();
		for (i = 0; i < pairs; i++) {
			mutex_lock(m);
			WRITE_ONCE(bench_counter, bench_counter + 1);
			mutex_unlock(m);
		}
		best = min(best, ktime_get_ns() - t0);
	}
	return div_u64(best, pairs);
}

/* From core text, where a driver takes most of its locks. */
static noinline void bench_core(void)
{
	u64 spin = bench_spin_pairs(), mutex = bench_mutex_pairs(&bench_mutex);
	u64 heap = bench_mutex_pairs(bench_heap_mutex);

	pr_info("bench_locks: %u pairs from core text: spin %llu ns mutex %llu ns heap %llu ns per pair\n",
		pairs, spin, mutex, heap);
}

static int __init bench_locks_init(void)
{
	u64 spin, mutex, heap;

	if (!pairs)
		return -EINVAL;
	bench_heap_mutex = kmalloc(sizeof(*bench_heap_mutex), GFP_KERNEL);
	if (!bench_heap_mutex)
		return -ENOMEM;
	mutex_init(bench_heap_mutex);
	spin = bench_spin_pairs();
	mutex = bench_mutex_pairs(&bench_mutex);
	heap = bench_mutex_pairs(bench_heap_mutex);
	pr_info("bench_locks: %u pairs from init text: spin %llu ns mutex %llu ns heap %llu ns per pair\n",
		pairs, spin, mutex, heap);
	bench_core();
	return 0;
}

static void __exit bench_locks_exit(void)
{
	kfree(bench_heap_mutex);
}

module_init(bench_locks_init);
module_exit(bench_locks_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ddv benchmark: spin and mutex lock+unlock pairs timed at load");
