// SPDX-License-Identifier: GPL-2.0
/*
 * rt_selftest.c: a driver under test for ddv's runtime tests: allocates and
 * frees from process, softirq (timer) and hardirq (hrtimer, irq_work) context
 * on every CPU at once, frees through a tail call, and on request leaks one
 * block, keeps many blocks (store-full test) or asks for zero bytes.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/timer.h>
#include <linux/hrtimer.h>
#include <linux/irq_work.h>
#include <linux/workqueue.h>
#include <linux/delay.h>
#include <linux/jiffies.h>

static bool leak;
module_param(leak, bool, 0444);
MODULE_PARM_DESC(leak, "leak one block of 77 bytes (allocated in rt_leak_one)");
static unsigned int nkeep;
module_param(nkeep, uint, 0444);
MODULE_PARM_DESC(nkeep, "blocks held from init to exit");
static unsigned int hammer_ms = 300;
module_param(hammer_ms, uint, 0444);
MODULE_PARM_DESC(hammer_ms, "how long init hammers kmalloc/kfree from every context");
static bool zero;
module_param(zero, bool, 0444);
MODULE_PARM_DESC(zero, "ask kmalloc for zero bytes once");
static bool fail_init;
module_param(fail_init, bool, 0444);
MODULE_PARM_DESC(fail_init, "leak a block and fail init with -ENODEV");
static bool background;
module_param(background, bool, 0444);
MODULE_PARM_DESC(background, "keep churning from timers on every CPU until unloaded (for attach)");
static unsigned int hang_ms;
module_param(hang_ms, uint, 0444);
MODULE_PARM_DESC(hang_ms, "init sleeps this long first (a slow or hung init)");
static unsigned int bench;
module_param(bench, uint, 0444);
MODULE_PARM_DESC(bench, "time this many kmalloc+kfree pairs at load");
static unsigned int size_var = 48;
module_param(size_var, uint, 0444);
MODULE_PARM_DESC(size_var, "a size the compiler cannot see (__kmalloc)");

struct rt_cpu {
	struct timer_list timer;
	struct hrtimer hrtimer;
	struct irq_work iw;
	struct work_struct work;
	unsigned long process, softirq, hardirq, irqwork, failed;
	bool stop;
};

static struct rt_cpu __percpu *rt_cpus;
/* Zero, but not to the compiler: kmalloc(0) with a constant never calls out. */
static unsigned int no_bytes;
static void **kept;
static void *leaked;

/* Ends in a tail call: the compiler emits `jmp kfree` here. */
static noinline void rt_release(void *p)
{
	kfree(p);
}

static noinline void *rt_leak_one(void)
{
	return kmalloc(77, GFP_KERNEL);
}

static bool churn(gfp_t gfp)
{
	void *p = kmalloc(size_var, gfp);

	if (!p)
		return false;
	rt_release(p);
	return true;
}

static void rt_timer_fn(struct timer_list *t)
{
	struct rt_cpu *c = from_timer(c, t, timer);

	if (churn(GFP_ATOMIC))
		c->softirq++;
	else
		c->failed++;
	if (!READ_ONCE(c->stop))
		mod_timer(&c->timer, jiffies + 1);
}

static void rt_irq_work_fn(struct irq_work *w)
{
	struct rt_cpu *c = container_of(w, struct rt_cpu, iw);

	if (churn(GFP_ATOMIC))
		c->irqwork++;
	else
		c->failed++;
}

static enum hrtimer_restart rt_hrtimer_fn(struct hrtimer *h)
{
	struct rt_cpu *c = container_of(h, struct rt_cpu, hrtimer);

	if (churn(GFP_ATOMIC))
		c->hardirq++;
	else
		c->failed++;
	if (READ_ONCE(c->stop))
		return HRTIMER_NORESTART;
	hrtimer_forward_now(h, ns_to_ktime(200 * NSEC_PER_USEC));
	return HRTIMER_RESTART;
}

static void rt_work_fn(struct work_struct *w)
{
	struct rt_cpu *c = container_of(w, struct rt_cpu, work);
	unsigned long end = jiffies + msecs_to_jiffies(hammer_ms);

	while (time_before(jiffies, end)) {
		if (churn(GFP_KERNEL))
			c->process++;
		else
			c->failed++;
		irq_work_queue(&c->iw);
		cond_resched();
	}
}

/*
 * The figure the runtime's overhead is judged by: one pair through this
 * driver's sites, best of 5 rounds. Always inline, so that the calls lie in
 * the caller's text.
 */
static __always_inline u64 rt_bench_pairs(void)
{
	u64 t0, best = U64_MAX;
	unsigned int round, i;

	for (round = 0; round < 5; round++) {
		t0 = ktime_get_ns();
		for (i = 0; i < bench; i++)
			kfree(kmalloc(size_var, GFP_KERNEL));
		best = min(best, ktime_get_ns() - t0);
	}
	return div_u64(best, bench);
}

/* From core text, where a driver makes most of its calls (probe, I/O, interrupts). */
static noinline void rt_bench_core(void)
{
	u64 ns = rt_bench_pairs();

	pr_info("rt_selftest: bench %u kmalloc+kfree pairs from core text: %llu ns per pair (best of 5)\n",
		bench, ns);
}

/* From init text (inlined into rt_init), then from core text. */
static void rt_bench(void)
{
	u64 ns = rt_bench_pairs();

	pr_info("rt_selftest: bench %u kmalloc+kfree pairs: %llu ns per pair (best of 5)\n",
		bench, ns);
	rt_bench_core();
}

static void rt_setup(void)
{
	int cpu;

	for_each_online_cpu(cpu) {
		struct rt_cpu *c = per_cpu_ptr(rt_cpus, cpu);

		timer_setup(&c->timer, rt_timer_fn, TIMER_PINNED);
		hrtimer_init(&c->hrtimer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED_HARD);
		c->hrtimer.function = rt_hrtimer_fn;
		init_irq_work(&c->iw, rt_irq_work_fn);
		INIT_WORK(&c->work, rt_work_fn);
	}
}

static void rt_start_timers(void)
{
	int cpu;

	for_each_online_cpu(cpu) {
		struct rt_cpu *c = per_cpu_ptr(rt_cpus, cpu);

		WRITE_ONCE(c->stop, false);
		add_timer_on(&c->timer, cpu);
		hrtimer_start(&c->hrtimer, ns_to_ktime(200 * NSEC_PER_USEC),
			      HRTIMER_MODE_REL_PINNED_HARD);
	}
}

static void rt_stop_timers(void)
{
	int cpu;

	for_each_online_cpu(cpu) {
		struct rt_cpu *c = per_cpu_ptr(rt_cpus, cpu);

		WRITE_ONCE(c->stop, true);
		del_timer_sync(&c->timer);
		hrtimer_cancel(&c->hrtimer);
		irq_work_sync(&c->iw);
	}
}

static void rt_hammer(void)
{
	unsigned long p = 0, s = 0, h = 0, i = 0, f = 0;
	int cpu;

	rt_start_timers();
	for_each_online_cpu(cpu)
		queue_work_on(cpu, system_wq, &per_cpu_ptr(rt_cpus, cpu)->work);
	for_each_online_cpu(cpu)
		flush_work(&per_cpu_ptr(rt_cpus, cpu)->work);
	rt_stop_timers();
	for_each_online_cpu(cpu) {
		struct rt_cpu *c = per_cpu_ptr(rt_cpus, cpu);

		p += c->process;
		s += c->softirq;
		h += c->hardirq;
		i += c->irqwork;
		f += c->failed;
	}
	pr_info("rt_selftest: churned process=%lu softirq=%lu hardirq=%lu irq_work=%lu failed=%lu cpus=%u\n",
		p, s, h, i, f, num_online_cpus());
}

static int __init rt_init(void)
{
	unsigned int i;

	if (hang_ms)
		msleep(hang_ms);
	if (bench)
		rt_bench();
	rt_cpus = alloc_percpu(struct rt_cpu);
	if (!rt_cpus)
		return -ENOMEM;
	if (zero)
		kfree(kmalloc(READ_ONCE(no_bytes), GFP_KERNEL));
	if (leak || fail_init)
		leaked = rt_leak_one();
	if (fail_init) {
		free_percpu(rt_cpus);
		return -ENODEV;
	}
	if (nkeep) {
		kept = vzalloc(array_size(nkeep, sizeof(*kept)));
		if (!kept) {
			free_percpu(rt_cpus);
			return -ENOMEM;
		}
		for (i = 0; i < nkeep; i++)
			kept[i] = kmalloc(size_var, GFP_KERNEL);
	}
	rt_setup();
	if (hammer_ms)
		rt_hammer();
	if (background)
		rt_start_timers();
	pr_info("rt_selftest: loaded (leak=%d nkeep=%u)\n", leak, nkeep);
	return 0;
}

static void __exit rt_exit(void)
{
	unsigned int i;

	if (background)
		rt_stop_timers();
	if (kept) {
		for (i = 0; i < nkeep; i++)
			kfree(kept[i]);
		vfree(kept);
	}
	free_percpu(rt_cpus);
	pr_info("rt_selftest: unloaded\n");
}

module_init(rt_init);
module_exit(rt_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ddv runtime self-test driver: heap calls from every context");
