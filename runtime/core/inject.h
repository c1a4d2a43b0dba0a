/* SPDX-License-Identifier: GPL-2.0 */
/*
 * inject.h: fault-injection decisions: pure logic over the state handed in.
 *
 * Contract. The kernel side calls inject_decide() once per call of a probed
 * function of the driver under test, with the facts of that call; it answers
 * fail (and which failure value), or a delay before a blocking lock, or go on.
 * It never sleeps, never allocates, takes no lock except the store's (for
 * per-function counters, only for functions that have one, found through the
 * Bloom filters of config.h), and is safe on all CPUs at once.
 *
 * - The plan (struct inject_plan) is the whole-driver setting; inject_arm()
 *   installs it (control path, serialized by the caller). Per-function
 *   settings are config values: CONFIG_FAULT_RATE (a rate from
 *   inject_rate_ppm), CONFIG_FAULT_CONSECUTIVE, CONFIG_FAULT_NTH (see
 *   inject_set_nth), CONFIG_FUNC_OFF is the kernel side's.
 * - Order of the modes, first match wins: filters (none pass: nothing
 *   happens, not even counting), an ongoing streak of consecutive failures,
 *   the Nth call of this function, the Nth fallible call of any function,
 *   the Nth call with the plan's stack identity, memory pressure
 *   (allocations: size, budget, contiguity, chance), lock contention
 *   (trylock failure; a delay for a blocking lock), the random rate (per
 *   function, else the plan's). A random failure with K > 0
 *   consecutive failures starts a streak: the next K calls of that function
 *   fail too. Nth modes fail once and disarm; their counters count every
 *   fallible call that passes the filters, even one failed by another mode
 *   (then the Nth failure is that one: nothing fails twice).
 * - With no plan armed and no per-function rate, Nth or streak set, a call
 *   costs a few loads (config_count), whatever its class.
 * - "Fallible": fault class GENERIC, ALLOC or TRYLOCK with at least one
 *   failure value. A blocking lock (class LOCK) is only ever delayed.
 * - Per-CPU state (PRNG, live-byte accounting) is indexed by facts->cpu; the
 *   caller keeps that CPU (preemption off) during the call.
 * - Rates are fractions of 2^32 (INJECT_RATE_ALWAYS = certain); no floating
 *   point, no division on the hot path.
 */
#ifndef DDV_CORE_INJECT_H
#define DDV_CORE_INJECT_H

#include "env.h"
#include "config.h"

#define INJECT_RATE_ALWAYS (1ull << 32)

/* A rate of ppm parts per million (1,000,000: always). */
static inline u64 inject_rate_ppm(u64 ppm)
{
	if (ppm >= 1000000)
		return INJECT_RATE_ALWAYS;
	return (ppm << 32) / 1000000;
}

enum inject_phase {
	INJECT_PHASE_ANY,
	INJECT_PHASE_INIT,		/* only while the driver's init runs */
	INJECT_PHASE_AFTER_INIT,	/* only once init returned */
};

/* Why a call failed (or was delayed): logged with the injected fault. */
enum inject_reason {
	INJECT_NONE,
	INJECT_STREAK,		/* consecutive failure after a random one */
	INJECT_NTH_FUNC,	/* the Nth call of this function */
	INJECT_NTH_ANY,		/* the Nth fallible call */
	INJECT_MEM_SIZE,	/* allocation of at least size_min bytes */
	INJECT_MEM_BUDGET,	/* allocation beyond the simulated budget */
	INJECT_MEM_CONTIG,	/* contiguous allocation, by chance */
	INJECT_MEM_RANDOM,	/* allocation, by chance */
	INJECT_TRYLOCK,		/* trylock, by chance */
	INJECT_LOCK_DELAY,	/* blocking lock delayed (not a failure) */
	INJECT_RANDOM,		/* the random rate of the function or the plan */
	INJECT_STACK,		/* the Nth call with the plan's stack identity */
	INJECT_NREASONS
};

/* The whole-driver plan; every 0 means "off". */
struct inject_plan {
	u64 rate;		/* every fallible function without a rate of its own */
	u32 consecutive;	/* K for functions without their own */
	u64 nth_any;		/* fail the Nth fallible call from arming (1 = the next) */
	/* Memory pressure, allocations only. */
	u64 mem_rate;
	u64 mem_size_min;	/* fail every allocation of >= this many bytes */
	u64 mem_budget;		/* fail an allocation when live bytes + size > budget */
	u64 mem_contig_rate;	/* chance for a DDV_CONTIG allocation of > mem_contig_min bytes */
	u64 mem_contig_min;
	/* Lock contention. */
	u64 trylock_rate;
	u64 lock_delay_rate;	/* chance that a blocking lock is delayed ... */
	u64 lock_delay_max_ns;	/* ... by up to this long */
	/* Filters. */
	u8 phase;		/* enum inject_phase */
	u64 caller_lo;		/* only calls from return addresses in [caller_lo, caller_hi) */
	u64 caller_hi;		/* 0: any caller */
	u64 task;		/* only this task id; 0: any */
	u64 start_delay_ns;	/* nothing before this long after arming */
	u64 stack_id;		/* fail a fallible call whose facts' stack_id is this: */
	u64 stack_nth;		/* the Nth such from arming (0 and 1: the first) */
};

struct inject_cpu {
	u64 prng;		/* xorshift64* state, never 0 */
	s64 live_bytes;		/* allocations minus frees done on this CPU */
} __env_aligned(ENV_CACHELINE);

struct inject_state {
	struct inject_plan plan;
	struct config *config;
	struct inject_cpu *cpus;
	unsigned int ncpus;
	u32 armed;		/* the plan applies */
	u64 start_at;		/* env time before which nothing is injected */
	s64 nth_any_left;	/* fallible calls until the one that fails; 0: off */
	s64 stack_left;		/* calls of the plan's stack_id until the one that fails */
	u64 injected;		/* failures injected */
	u64 delayed;		/* locks delayed */
	u64 by_reason[INJECT_NREASONS];
	/*
	 * Live bytes kept by the environment (ddv.ko: a per-CPU counter, one
	 * instruction per allocation) instead of inject_account(); NULL: the
	 * per-CPU live_bytes below.
	 */
	s64 (*live_bytes_of)(void);
};

/* The facts of one call. */
struct inject_facts {
	u32 func;		/* global function id (config key) */
	u8 fault_class;		/* enum ddv_fault_class */
	u8 nfail;		/* failure values the function has */
	u8 flags;		/* DDV_CONTIG */
	bool in_init;		/* the driver's init is running */
	u16 cpu;
	u64 size;		/* allocation size; 0 otherwise */
	u64 caller;		/* return address in the driver */
	u64 task;		/* task id */
	u64 now;		/* env_now_ns() */
	u64 stack_id;		/* the call's stack identity, when the plan has a stack_id */
};

struct inject_verdict {
	bool fail;
	u8 value_index;		/* which of the function's failure values to return */
	u8 reason;		/* enum inject_reason */
	u64 delay_ns;		/* > 0: delay the blocking lock this long first */
};

/* cpus: ncpus entries; seed: any value (each CPU's stream differs). */
void inject_init(struct inject_state *st, struct config *config,
		 struct inject_cpu *cpus, unsigned int ncpus, u64 seed);
/* Installs a plan (control path). now: env_now_ns(). */
void inject_arm(struct inject_state *st, const struct inject_plan *plan, u64 now);
/* Stops every mode of the plan and per-function Nth/streak counters. */
void inject_disarm(struct inject_state *st);
/* Fail the nth call of func from now (1 = the next); 0 cancels. */
int inject_set_nth(struct inject_state *st, u32 func, u64 nth);

/* Decides one call. Returns verdict->fail. */
bool inject_decide(struct inject_state *st, const struct inject_facts *facts,
		   struct inject_verdict *verdict);

/* Live-byte accounting for the budget: +size at allocation, -size at free. */
static inline void inject_account(struct inject_state *st, unsigned int cpu, s64 delta)
{
	if (likely(cpu < st->ncpus))
		ENV_ADD(st->cpus[cpu].live_bytes, delta);
}
s64 inject_live_bytes(struct inject_state *st);

/* xorshift64*: the per-CPU generator. */
static inline u64 inject_random(struct inject_cpu *c)
{
	u64 x = c->prng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	c->prng = x;
	return x * 0x2545f4914f6cdd1dull;
}

const char *inject_reason_name(unsigned int reason);

/*
 * A module of the driver for inject_stack_id(): its core and init text,
 * [lo, hi). A family (ddv load --with) has one per member, in the family's
 * order (the driver first).
 */
struct inject_text {
	u64 core_lo, core_hi;
	u64 init_lo, init_hi;
};

/*
 * The identity of a call's stack (DDV_INJECT_STACK), the same on another load
 * of the driver and another boot: frames[0..n) innermost first, the driver's
 * own first, up to its outermost frame in the driver's text and the one that
 * called into it, each as its module's index in t[0..ntexts) and an offset
 * into that module's own core or init text, or as name(frame) elsewhere
 * (symbol+offset: the kernel moves under KASLR, other modules at their loads),
 * written into buf (len bytes). Each module of a family moves on its own from
 * load to load, so an offset from their hull would not stay. The frames
 * beyond (the syscall, an interrupt and what it interrupted) vary from call
 * to call of one path and are left out. Never 0.
 */
u64 inject_stack_id(const unsigned long *frames, unsigned int n, const struct inject_text *t,
		    unsigned int ntexts,
		    void (*name)(unsigned long addr, char *buf, unsigned int len),
		    char *buf, unsigned int len);

#endif /* DDV_CORE_INJECT_H */
