// SPDX-License-Identifier: GPL-2.0
/* test_inject.c: every fault-injection mode, filter and the Nth counters across threads. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include "inject.h"

#define NCPUS 4

static struct store store;
static struct config cfg;
static struct inject_cpu cpus[NCPUS];
static struct inject_state st;

static void setup(void)
{
	size_t bytes = store_mem_size(4096);
	void *mem = aligned_alloc(ENV_CACHELINE, bytes);

	cr_assert_eq(store_init(&store, mem, bytes, 4096), 0);
	config_init(&cfg, &store);
	inject_init(&st, &cfg, cpus, NCPUS, 42);
}

TestSuite(inject, .init = setup);

static struct inject_facts call(u32 func, enum ddv_fault_class cls)
{
	return (struct inject_facts){ .func = func, .fault_class = cls, .nfail = 1,
				      .caller = 0x1000, .task = 100, .now = 1000000 };
}

static bool fails(struct inject_facts f, u8 *reason)
{
	struct inject_verdict v;
	bool r = inject_decide(&st, &f, &v);

	cr_assert_eq(r, v.fail);
	if (reason)
		*reason = v.reason;
	return r;
}

Test(inject, nothing_configured_never_fails)
{
	unsigned int i;

	for (i = 0; i < 100000; i++) {
		cr_assert(!fails(call(i % 50, DDV_FAULT_ALLOC), NULL));
		cr_assert(!fails(call(i % 50, DDV_FAULT_GENERIC), NULL));
	}
	cr_assert_eq(st.injected, 0);
}

Test(inject, rate_per_function_and_plan)
{
	unsigned int i, n = 0, other = 0;
	struct inject_plan plan = { 0 };
	u8 reason;

	cr_assert_eq(config_set(&cfg, CONFIG_FAULT_RATE, 7, inject_rate_ppm(300000)), 0);
	for (i = 0; i < 100000; i++) {
		n += fails(call(7, DDV_FAULT_GENERIC), &reason);
		other += fails(call(8, DDV_FAULT_GENERIC), NULL);
	}
	cr_assert(n > 29000 && n < 31000, "30%% of 100000: %u", n);
	cr_assert_eq(reason == INJECT_RANDOM || reason == INJECT_NONE, true);
	cr_assert_eq(other, 0);
	/* A function that cannot fail is never failed. */
	cr_assert(!fails(call(7, DDV_FAULT_NONE), NULL));
	cr_assert_eq(config_set(&cfg, CONFIG_FAULT_RATE, 9, INJECT_RATE_ALWAYS), 0);
	{
		struct inject_facts f = call(9, DDV_FAULT_GENERIC);

		f.nfail = 0;
		cr_assert(!fails(f, NULL));
	}
	/* The plan's rate covers the functions without their own; theirs wins. */
	plan.rate = inject_rate_ppm(1000000);
	inject_arm(&st, &plan, 0);
	cr_assert(fails(call(8, DDV_FAULT_GENERIC), NULL));
	cr_assert_eq(config_set(&cfg, CONFIG_FAULT_RATE, 8, 0), 0);
	cr_assert(!fails(call(8, DDV_FAULT_GENERIC), NULL));
	inject_disarm(&st);
	cr_assert(!fails(call(9, DDV_FAULT_GENERIC), NULL));
	cr_assert(!fails(call(12, DDV_FAULT_GENERIC), NULL));
}

Test(inject, consecutive_failures_follow_a_random_one)
{
	unsigned int i, run = 0, runs = 0;
	u8 reason;

	cr_assert_eq(config_set(&cfg, CONFIG_FAULT_RATE, 3, inject_rate_ppm(20000)), 0);
	cr_assert_eq(config_set(&cfg, CONFIG_FAULT_CONSECUTIVE, 3, 4), 0);
	for (i = 0; i < 50000; i++) {
		/* Calls of another function in between do not break the streak. */
		cr_assert(!fails(call(4, DDV_FAULT_GENERIC), NULL));
		if (fails(call(3, DDV_FAULT_GENERIC), &reason)) {
			cr_assert_eq(reason, run ? INJECT_STREAK : INJECT_RANDOM);
			run++;
			/* A streak's end may be followed at once by a new random failure. */
			if (run == 5) {
				runs++;
				run = 0;
			}
		} else {
			cr_assert_eq(run, 0, "a run of %u failures, not 1 + 4", run);
		}
	}
	cr_assert_gt(runs, 500);
	cr_assert_eq(st.by_reason[INJECT_STREAK], 4 * st.by_reason[INJECT_RANDOM] - 4 * (run ? 1 : 0) + (run ? run - 1 : 0));
	/* Reset to 0: single failures again. */
	cr_assert_eq(config_set(&cfg, CONFIG_FAULT_CONSECUTIVE, 3, 0), 0);
	while (fails(call(3, DDV_FAULT_GENERIC), &reason) && reason == INJECT_STREAK)
		;
	for (i = 0; i < 20000; i++)
		if (fails(call(3, DDV_FAULT_GENERIC), &reason))
			cr_assert_eq(reason, INJECT_RANDOM);
}

Test(inject, nth_call_of_a_function_fails_once)
{
	unsigned int i;
	u8 reason;

	cr_assert_eq(inject_set_nth(&st, 20, 5), 0);
	for (i = 1; i <= 100; i++) {
		cr_assert(!fails(call(21, DDV_FAULT_GENERIC), NULL));
		cr_assert_eq(fails(call(20, DDV_FAULT_ALLOC), &reason), i == 5, "call %u", i);
		if (i == 5)
			cr_assert_eq(reason, INJECT_NTH_FUNC);
	}
	/* 1 = the next call; 0 cancels. */
	cr_assert_eq(inject_set_nth(&st, 20, 1), 0);
	cr_assert(fails(call(20, DDV_FAULT_GENERIC), NULL));
	cr_assert(!fails(call(20, DDV_FAULT_GENERIC), NULL));
	cr_assert_eq(inject_set_nth(&st, 20, 2), 0);
	cr_assert_eq(inject_set_nth(&st, 20, 0), 0);
	for (i = 0; i < 10; i++)
		cr_assert(!fails(call(20, DDV_FAULT_GENERIC), NULL));
}

Test(inject, nth_fallible_call_of_any_function_fails_once)
{
	struct inject_plan plan = { .nth_any = 4 };
	unsigned int i, nfailed = 0;
	u8 reason;

	inject_arm(&st, &plan, 0);
	/* Calls that cannot fail do not count. */
	for (i = 0; i < 10; i++) {
		struct inject_facts f = call(1, DDV_FAULT_GENERIC);

		f.nfail = 0;
		cr_assert(!fails(f, NULL));
		cr_assert(!fails(call(1, DDV_FAULT_NONE), NULL));
		cr_assert(!fails(call(1, DDV_FAULT_LOCK), NULL));
	}
	cr_assert(!fails(call(1, DDV_FAULT_GENERIC), NULL));
	cr_assert(!fails(call(2, DDV_FAULT_ALLOC), NULL));
	cr_assert(!fails(call(3, DDV_FAULT_TRYLOCK), NULL));
	cr_assert(fails(call(4, DDV_FAULT_GENERIC), &reason));
	cr_assert_eq(reason, INJECT_NTH_ANY);
	for (i = 0; i < 1000; i++)
		nfailed += fails(call(i % 5, DDV_FAULT_GENERIC), NULL);
	cr_assert_eq(nfailed, 0);
}

Test(inject, nth_call_of_a_stack_identity_fails_once)
{
	struct inject_plan plan = { .stack_id = 0xabc, .stack_nth = 2 };
	struct inject_facts f = call(7, DDV_FAULT_ALLOC), other = call(7, DDV_FAULT_ALLOC);
	unsigned int i, nfailed = 0;
	u8 reason;

	f.stack_id = 0xabc;
	other.stack_id = 0xdef;
	inject_arm(&st, &plan, 0);
	/* Another stack of the same function and site is not counted. */
	for (i = 0; i < 10; i++)
		cr_assert(!fails(other, NULL));
	cr_assert(!fails(f, NULL));
	cr_assert(fails(f, &reason));
	cr_assert_eq(reason, INJECT_STACK);
	cr_assert_str_eq(inject_reason_name(reason), "stack");
	for (i = 0; i < 1000; i++)
		nfailed += fails(i % 2 ? f : other, NULL);
	cr_assert_eq(nfailed, 0);
	/* Armed again: counts from the arming, and stack_nth 0 is the first. */
	plan.stack_nth = 0;
	inject_arm(&st, &plan, 0);
	cr_assert(fails(f, NULL));
	inject_disarm(&st);
	cr_assert(!fails(f, NULL));
}

Test(inject, memory_pressure)
{
	struct inject_plan plan = { .mem_size_min = 8192 };
	struct inject_facts f = call(30, DDV_FAULT_ALLOC);
	unsigned int i, n = 0;
	u8 reason;

	inject_arm(&st, &plan, 0);
	f.size = 8191;
	cr_assert(!fails(f, NULL));
	f.size = 8192;
	cr_assert(fails(f, &reason));
	cr_assert_eq(reason, INJECT_MEM_SIZE);
	cr_assert(!fails((struct inject_facts){ .func = 31, .fault_class = DDV_FAULT_GENERIC,
						 .nfail = 1, .size = 1 << 20 }, NULL));

	/* Budget: live bytes (from every CPU's accounting) + size must fit. */
	plan = (struct inject_plan){ .mem_budget = 10000 };
	inject_arm(&st, &plan, 0);
	inject_account(&st, 0, 6000);
	inject_account(&st, 3, 3000);
	cr_assert_eq(inject_live_bytes(&st), 9000);
	f.size = 1000;
	cr_assert(!fails(f, NULL));
	f.size = 1001;
	cr_assert(fails(f, &reason));
	cr_assert_eq(reason, INJECT_MEM_BUDGET);
	inject_account(&st, 1, -6000);		/* freed on another CPU */
	f.size = 7000;
	cr_assert(!fails(f, NULL));

	/* Contiguity: only contiguous allocations above the threshold. */
	plan = (struct inject_plan){ .mem_contig_rate = INJECT_RATE_ALWAYS, .mem_contig_min = 4096 };
	inject_arm(&st, &plan, 0);
	f.size = 8192;
	f.flags = 0;
	cr_assert(!fails(f, NULL));
	f.flags = DDV_CONTIG;
	cr_assert(fails(f, &reason));
	cr_assert_eq(reason, INJECT_MEM_CONTIG);
	f.size = 4096;
	cr_assert(!fails(f, NULL));

	/* By chance: allocations only. */
	plan = (struct inject_plan){ .mem_rate = inject_rate_ppm(500000) };
	inject_arm(&st, &plan, 0);
	for (i = 0; i < 20000; i++) {
		n += fails(f, &reason);
		cr_assert(!fails(call(32, DDV_FAULT_GENERIC), NULL));
	}
	cr_assert(n > 9400 && n < 10600, "50%% of 20000: %u", n);
}

Test(inject, lock_contention)
{
	struct inject_plan plan = { .trylock_rate = INJECT_RATE_ALWAYS,
				    .lock_delay_rate = inject_rate_ppm(500000),
				    .lock_delay_max_ns = 1000 };
	struct inject_facts lock = call(40, DDV_FAULT_LOCK);
	struct inject_verdict v;
	unsigned int i, delayed = 0;
	u64 maxd = 0, mind = ~0ull;
	u8 reason;

	inject_arm(&st, &plan, 0);
	cr_assert(fails(call(41, DDV_FAULT_TRYLOCK), &reason));
	cr_assert_eq(reason, INJECT_TRYLOCK);
	cr_assert(!fails(call(42, DDV_FAULT_GENERIC), NULL));
	lock.nfail = 0;		/* a blocking lock has no failure value */
	for (i = 0; i < 10000; i++) {
		cr_assert(!inject_decide(&st, &lock, &v));
		cr_assert(!v.fail);
		if (v.delay_ns) {
			delayed++;
			cr_assert_eq(v.reason, INJECT_LOCK_DELAY);
			maxd = v.delay_ns > maxd ? v.delay_ns : maxd;
			mind = v.delay_ns < mind ? v.delay_ns : mind;
		}
	}
	cr_assert(delayed > 4500 && delayed < 5500, "%u", delayed);
	cr_assert_leq(maxd, 1000);
	cr_assert_geq(mind, 1);
	cr_assert_gt(maxd, 900);
	cr_assert_lt(mind, 100);
	cr_assert_eq(st.delayed, delayed);
}

Test(inject, filters)
{
	struct inject_plan plan = { .rate = INJECT_RATE_ALWAYS, .phase = INJECT_PHASE_INIT };
	struct inject_facts f = call(50, DDV_FAULT_GENERIC);

	inject_arm(&st, &plan, 0);
	f.in_init = false;
	cr_assert(!fails(f, NULL));
	f.in_init = true;
	cr_assert(fails(f, NULL));
	plan.phase = INJECT_PHASE_AFTER_INIT;
	inject_arm(&st, &plan, 0);
	cr_assert(!fails(f, NULL));
	f.in_init = false;
	cr_assert(fails(f, NULL));

	plan = (struct inject_plan){ .rate = INJECT_RATE_ALWAYS, .caller_lo = 0x2000, .caller_hi = 0x2100 };
	inject_arm(&st, &plan, 0);
	f.caller = 0x1fff;
	cr_assert(!fails(f, NULL));
	f.caller = 0x2000;
	cr_assert(fails(f, NULL));
	f.caller = 0x20ff;
	cr_assert(fails(f, NULL));
	f.caller = 0x2100;
	cr_assert(!fails(f, NULL));

	plan = (struct inject_plan){ .rate = INJECT_RATE_ALWAYS, .task = 77 };
	inject_arm(&st, &plan, 0);
	f.task = 76;
	cr_assert(!fails(f, NULL));
	f.task = 77;
	cr_assert(fails(f, NULL));

	/* Start delay: nothing for 5 ms after arming. */
	plan = (struct inject_plan){ .rate = INJECT_RATE_ALWAYS, .start_delay_ns = 5000000 };
	inject_arm(&st, &plan, 1000000000);
	f.now = 1004999999;
	cr_assert(!fails(f, NULL));
	f.now = 1005000000;
	cr_assert(fails(f, NULL));
	/* A delay past the clock's end is never, not a sum that wraps to the past. */
	plan.start_delay_ns = ~0ull - 1000;
	inject_arm(&st, &plan, 1000000000);
	f.now = 1000000001;
	cr_assert(!fails(f, NULL));
	f.now = ~0ull - 1;
	cr_assert(!fails(f, NULL));

	/* Filters also hold back the Nth counters: a filtered call is not counted. */
	plan = (struct inject_plan){ .nth_any = 2, .task = 5 };
	inject_arm(&st, &plan, 0);
	f.now = 0;
	f.task = 6;
	cr_assert(!fails(f, NULL));
	cr_assert(!fails(f, NULL));
	f.task = 5;
	cr_assert(!fails(f, NULL));
	cr_assert(fails(f, NULL));
}

Test(inject, failure_value_choice)
{
	struct inject_facts f = call(60, DDV_FAULT_GENERIC);
	struct inject_verdict v;
	unsigned int seen[3] = { 0 }, i;

	cr_assert_eq(config_set(&cfg, CONFIG_FAULT_RATE, 60, INJECT_RATE_ALWAYS), 0);
	f.nfail = 3;
	for (i = 0; i < 3000; i++) {
		cr_assert(inject_decide(&st, &f, &v));
		cr_assert_lt(v.value_index, 3);
		seen[v.value_index]++;
	}
	for (i = 0; i < 3; i++)
		cr_assert(seen[i] > 800 && seen[i] < 1200, "value %u chosen %u times", i, seen[i]);
	cr_assert_str_eq(inject_reason_name(INJECT_MEM_BUDGET), "mem-budget");
	cr_assert_str_eq(inject_reason_name(200), "unknown");
}

/* --- threads: the Nth counters are exact when CPUs race --- */

static volatile unsigned long thread_fails[NCPUS];

static void *hammer(void *p)
{
	unsigned int cpu = (unsigned int)(unsigned long)p, i;
	struct inject_verdict v;

	for (i = 0; i < 200000; i++) {
		struct inject_facts f = call(70 + i % 2, DDV_FAULT_GENERIC);

		f.cpu = cpu;
		if (inject_decide(&st, &f, &v))
			thread_fails[cpu]++;
	}
	return NULL;
}

Test(inject, nth_counters_exact_across_threads, .timeout = 60)
{
	struct inject_plan plan = { .nth_any = 300000 };
	pthread_t th[NCPUS];
	unsigned long total = 0;
	unsigned int i;

	inject_arm(&st, &plan, 0);
	cr_assert_eq(inject_set_nth(&st, 71, 250000), 0);
	for (i = 0; i < NCPUS; i++)
		pthread_create(&th[i], NULL, hammer, (void *)(unsigned long)i);
	for (i = 0; i < NCPUS; i++) {
		pthread_join(th[i], NULL);
		total += thread_fails[i];
	}
	/* 800,000 calls: the 300,000th of any and the 250,000th of function 71, once each. */
	cr_assert_eq(total, 2);
	cr_assert_eq(st.by_reason[INJECT_NTH_ANY] + st.by_reason[INJECT_NTH_FUNC], 2);
}

/* --- the stack identity of DDV_INJECT_STACK -------------------------------- */

/* Names as kallsyms would: a kernel at base (KASLR moves it) with functions every 0x1000. */
static unsigned long kernel_base;

static void name_frame(unsigned long addr, char *buf, unsigned int len)
{
	unsigned long off = addr - kernel_base;

	snprintf(buf, len, "func%lu+0x%lx", off / 0x1000, off % 0x1000);
}

static u64 id_of_family(const unsigned long *frames, unsigned int n, const struct inject_text *t,
			unsigned int ntexts)
{
	char buf[128];

	return inject_stack_id(frames, n, t, ntexts, name_frame, buf, sizeof(buf));
}

static u64 id_of(const unsigned long *frames, unsigned int n, const struct inject_text *t)
{
	return id_of_family(frames, n, t, 1);
}

Test(stack_id, same_path_same_identity_across_loads_and_boots)
{
	/* Driver frames (core and init text), the kernel's frame that called it, then noise. */
	struct inject_text load1 = { 0xc0100000, 0xc0110000, 0xc0200000, 0xc0201000 };
	struct inject_text load2 = { 0xc0500000, 0xc0510000, 0xc0700000, 0xc0701000 };
	unsigned long a[5], b[5];
	u64 id;

	kernel_base = 0xffffffff81000000;
	a[0] = load1.core_lo + 0x123;
	a[1] = load1.init_lo + 0x45;
	a[2] = kernel_base + 0x3010;	/* do_one_initcall, say */
	a[3] = kernel_base + 0x7777;	/* the syscall path: not part of it */
	a[4] = kernel_base + 0x9999;
	id = id_of(a, 5, &load1);
	cr_assert_neq(id, 0);
	/* Another load elsewhere, another boot with the kernel elsewhere, other outer frames. */
	kernel_base = 0xffffffff9a000000;
	b[0] = load2.core_lo + 0x123;
	b[1] = load2.init_lo + 0x45;
	b[2] = kernel_base + 0x3010;
	b[3] = kernel_base + 0x1234;	/* an interrupt came in elsewhere */
	cr_assert_eq(id_of(b, 4, &load2), id);
	/* Another call site in the driver, or another caller into it: another identity. */
	b[0] = load2.core_lo + 0x128;
	cr_assert_neq(id_of(b, 4, &load2), id);
	b[0] = load2.core_lo + 0x123;
	b[2] = kernel_base + 0x4010;
	cr_assert_neq(id_of(b, 4, &load2), id);
	/* Core and init text at the same offset are not the same frame. */
	b[2] = kernel_base + 0x3010;
	b[1] = load2.core_lo + 0x45;
	cr_assert_neq(id_of(b, 4, &load2), id);
}

/*
 * A family (the driver and its helper, ddv load --with): each module moves on
 * its own from load to load, the helper below the driver on one load, above
 * it on the next (i6300esb and watchdog: the identity of an offset from the
 * two's hull changed, and systematic loads failed nothing).
 */
Test(stack_id, a_family_member_keeps_its_identity_wherever_the_other_lies)
{
	struct inject_text load1[2] = { { 0xc0300000, 0xc0302000, 0, 0 },	/* the driver */
					{ 0xc0100000, 0xc0104000, 0, 0 } };	/* its helper */
	struct inject_text load2[2] = { { 0xc0500000, 0xc0502000, 0, 0 },
					{ 0xc0900000, 0xc0904000, 0, 0 } };
	unsigned long a[3], b[3];
	u64 id;

	kernel_base = 0xffffffff81000000;
	/* The helper's allocation, called by the driver's probe, called by the kernel. */
	a[0] = load1[1].core_lo + 0x40;
	a[1] = load1[0].core_lo + 0x123;
	a[2] = kernel_base + 0x3010;
	id = id_of_family(a, 3, load1, 2);
	b[0] = load2[1].core_lo + 0x40;
	b[1] = load2[0].core_lo + 0x123;
	b[2] = kernel_base + 0x3010;
	cr_assert_eq(id_of_family(b, 3, load2, 2), id);
	/* The same offset in the other member is another frame. */
	b[0] = load2[0].core_lo + 0x40;
	cr_assert_neq(id_of_family(b, 3, load2, 2), id);
	/* The driver alone keeps the identity it had before families had their own texts. */
	b[0] = load2[0].core_lo + 0x40;
	cr_assert_eq(id_of_family(b, 3, load2, 2), id_of(b, 3, load2));
}

Test(stack_id, a_driver_entered_twice_keeps_the_frames_between)
{
	struct inject_text t = { 0xc0100000, 0xc0110000, 0, 0 };
	unsigned long a[5] = { 0xc0100010, 0xffffffff81001000, 0xc0100020, 0xffffffff81002000,
			       0xffffffff81003000 };
	u64 id;

	kernel_base = 0xffffffff81000000;
	id = id_of(a, 5, &t);
	/* The kernel frame between the driver's two frames counts... */
	a[1] = 0xffffffff81005000;
	cr_assert_neq(id_of(a, 5, &t), id);
	/* ...the one past the outermost driver frame's caller does not. */
	a[1] = 0xffffffff81001000;
	a[4] = 0xffffffff81008000;
	cr_assert_eq(id_of(a, 5, &t), id);
	/* No frame at all: still an identity, never 0. */
	cr_assert_neq(id_of(a, 0, &t), 0);
}
