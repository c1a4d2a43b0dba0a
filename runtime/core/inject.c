// SPDX-License-Identifier: GPL-2.0
/* inject.c: fault-injection decisions over the plan, per-function config and per-CPU state. */
#include "inject.h"

static const char *const reason_names[INJECT_NREASONS] = {
	[INJECT_NONE] = "none",
	[INJECT_STREAK] = "consecutive",
	[INJECT_NTH_FUNC] = "nth-call",
	[INJECT_NTH_ANY] = "nth-fallible-call",
	[INJECT_MEM_SIZE] = "mem-size",
	[INJECT_MEM_BUDGET] = "mem-budget",
	[INJECT_MEM_CONTIG] = "mem-contiguous",
	[INJECT_MEM_RANDOM] = "mem-random",
	[INJECT_TRYLOCK] = "trylock",
	[INJECT_LOCK_DELAY] = "lock-delay",
	[INJECT_RANDOM] = "random",
	[INJECT_STACK] = "stack",
};

const char *inject_reason_name(unsigned int reason)
{
	return reason < INJECT_NREASONS ? reason_names[reason] : "unknown";
}

static u64 fnv64(u64 h, const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n--)
		h = (h ^ *b++) * 1099511628211ull;
	return h;
}

/* Where a lies: 2k + 1 in module k's core text, 2k + 2 in its init text, *off into it; or 0. */
static unsigned int text_of(const struct inject_text *t, unsigned int ntexts, unsigned long a,
			    u64 *off)
{
	unsigned int k;

	for (k = 0; k < ntexts; k++) {
		if (a >= t[k].core_lo && a < t[k].core_hi) {
			*off = a - t[k].core_lo;
			return 2 * k + 1;
		}
		if (a >= t[k].init_lo && a < t[k].init_hi) {
			*off = a - t[k].init_lo;
			return 2 * k + 2;
		}
	}
	return 0;
}

u64 inject_stack_id(const unsigned long *frames, unsigned int n, const struct inject_text *t,
		    unsigned int ntexts,
		    void (*name)(unsigned long addr, char *buf, unsigned int len),
		    char *buf, unsigned int len)
{
	u64 h = 14695981039346656037ull, off;
	unsigned int i, end = 0;

	for (i = 0; i < n; i++)
		if (text_of(t, ntexts, frames[i], &off))
			end = i + 1;
	if (end < n)
		end++;
	for (i = 0; i < end; i++) {
		u64 v[2] = { 0, 0 };

		v[0] = text_of(t, ntexts, frames[i], &v[1]);
		if (!v[0] && len) {
			buf[0] = '\0';
			name(frames[i], buf, len);
			buf[len - 1] = '\0';
			h = fnv64(h, buf, strlen(buf));
		}
		h = fnv64(h, v, sizeof(v));
	}
	return h ? h : 1;
}

void inject_init(struct inject_state *st, struct config *config,
		 struct inject_cpu *cpus, unsigned int ncpus, u64 seed)
{
	unsigned int i;

	memset(st, 0, sizeof(*st));
	st->config = config;
	st->cpus = cpus;
	st->ncpus = ncpus;
	for (i = 0; i < ncpus; i++) {
		/* splitmix64 of (seed, cpu): distinct, never-zero streams. */
		u64 z = seed + (i + 1) * 0x9e3779b97f4a7c15ull;

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
		z ^= z >> 31;
		cpus[i].prng = z ? z : 1;
		cpus[i].live_bytes = 0;
	}
}

void inject_arm(struct inject_state *st, const struct inject_plan *plan, u64 now)
{
	ENV_WRITE(st->armed, 0);
	ENV_WMB();
	st->plan = *plan;
	/* A delay past the clock's end saturates: never, not a sum that wraps to the past. */
	st->start_at = !plan->start_delay_ns ? 0 :
		plan->start_delay_ns > ~0ull - now ? ~0ull : now + plan->start_delay_ns;
	ENV_WRITE(st->nth_any_left, (s64)plan->nth_any);
	ENV_WRITE(st->stack_left,
		  plan->stack_id ? (s64)(plan->stack_nth ? plan->stack_nth : 1) : 0);
	ENV_STORE_RELEASE(st->armed, 1);
}

void inject_disarm(struct inject_state *st)
{
	ENV_WRITE(st->armed, 0);
	ENV_WRITE(st->nth_any_left, 0);
	ENV_WRITE(st->stack_left, 0);
	ENV_WMB();
	memset(&st->plan, 0, sizeof(st->plan));
	st->start_at = 0;
	config_reset(st->config, CONFIG_FAULT_RATE);
	config_reset(st->config, CONFIG_FAULT_CONSECUTIVE);
	config_reset(st->config, CONFIG_FAULT_NTH);
	config_reset(st->config, CONFIG_FAULT_STREAK);
}

int inject_set_nth(struct inject_state *st, u32 func, u64 nth)
{
	int ret;

	if (nth)
		return config_set(st->config, CONFIG_FAULT_NTH, func, nth);
	ret = config_unset(st->config, CONFIG_FAULT_NTH, func);
	return ret == -ENOENT ? 0 : ret;
}

s64 inject_live_bytes(struct inject_state *st)
{
	s64 sum = 0;
	unsigned int i;

	if (st->live_bytes_of)
		return st->live_bytes_of();
	for (i = 0; i < st->ncpus; i++)
		sum += ENV_READ(st->cpus[i].live_bytes);
	return sum;
}

static inline bool chance(struct inject_cpu *c, u64 rate)
{
	return rate && (inject_random(c) >> 32) < rate;
}

/*
 * Counts one call against a per-function counter (a config prop) that
 * exists only for functions that have one. A countdown (Nth call) hits when
 * it reaches 0; a streak (forced failures left) hits while it lasts. Either
 * is removed at 0, so each Nth fails once.
 */
static bool counter_hits(struct config *cfg, enum config_prop prop, u32 func, bool streak)
{
	s64 left = 0;
	int ret = config_adjust(cfg, prop, func, -1, 0, (s64)(~0ull >> 1), &left);

	if (likely(ret == -ENOENT))
		return false;
	if (ret != 0 || left == 0)
		config_unset(cfg, prop, func);
	if (ret != 0)
		return false;
	return streak || left == 0;
}

bool inject_decide(struct inject_state *st, const struct inject_facts *f,
		   struct inject_verdict *v)
{
	const struct inject_plan *p = &st->plan;
	struct inject_cpu *c = &st->cpus[f->cpu < st->ncpus ? f->cpu : 0];
	struct config *cfg = st->config;
	unsigned int reason = INJECT_NONE;
	bool armed = ENV_LOAD_ACQUIRE(st->armed);
	bool nth_func = false, nth_any = false, stack = false, fallible;
	s64 left;

	v->fail = false;
	v->value_index = 0;
	v->reason = INJECT_NONE;
	v->delay_ns = 0;
	/* Nothing armed, no function configured: the common case, a few loads. */
	if (likely(!armed && !config_count(cfg, CONFIG_FAULT_RATE) &&
		   !config_count(cfg, CONFIG_FAULT_NTH) && !config_count(cfg, CONFIG_FAULT_STREAK)))
		return false;

	fallible = f->nfail && (f->fault_class == DDV_FAULT_GENERIC ||
				f->fault_class == DDV_FAULT_ALLOC ||
				f->fault_class == DDV_FAULT_TRYLOCK);
	if (!fallible && f->fault_class != DDV_FAULT_LOCK)
		return false;

	/* Filters: a call they reject is not even counted. */
	if (armed) {
		if (p->phase == INJECT_PHASE_INIT && !f->in_init)
			return false;
		if (p->phase == INJECT_PHASE_AFTER_INIT && f->in_init)
			return false;
		if (p->caller_hi && (f->caller < p->caller_lo || f->caller >= p->caller_hi))
			return false;
		if (p->task && f->task != p->task)
			return false;
		if (st->start_at && f->now < st->start_at)
			return false;
	}

	if (f->fault_class == DDV_FAULT_LOCK) {
		if (armed && p->lock_delay_max_ns && chance(c, p->lock_delay_rate)) {
			/* In [1, max] ns: multiply-shift, no division. */
			v->delay_ns = (((inject_random(c) >> 32) * p->lock_delay_max_ns) >> 32) + 1;
			v->reason = INJECT_LOCK_DELAY;
			ENV_ADD(st->delayed, 1);
			ENV_ADD(st->by_reason[INJECT_LOCK_DELAY], 1);
		}
		return false;
	}

	/* The Nth-call modes count every fallible call that passed the filters. */
	nth_func = counter_hits(cfg, CONFIG_FAULT_NTH, f->func, false);
	if (armed) {
		left = ENV_READ(st->nth_any_left);
		while (left > 0) {
			if (ENV_CAS(st->nth_any_left, left, left - 1)) {
				nth_any = left == 1;
				break;
			}
		}
		/* Once: two CPUs may bring calls of the same stack at once. */
		/* The Nth call of the plan's stack identity, once, from any CPU. */
		if (p->stack_id && f->stack_id == p->stack_id) {
			left = ENV_READ(st->stack_left);
			while (left > 0) {
				if (ENV_CAS(st->stack_left, left, left - 1)) {
					stack = left == 1;
					break;
				}
			}
		}
	}

	if (counter_hits(cfg, CONFIG_FAULT_STREAK, f->func, true))
		reason = INJECT_STREAK;
	else if (nth_func)
		reason = INJECT_NTH_FUNC;
	else if (nth_any)
		reason = INJECT_NTH_ANY;
	else if (stack)
		reason = INJECT_STACK;
	else if (armed && f->fault_class == DDV_FAULT_ALLOC &&
		 p->mem_size_min && f->size >= p->mem_size_min)
		reason = INJECT_MEM_SIZE;
	else if (armed && f->fault_class == DDV_FAULT_ALLOC && p->mem_budget &&
		 inject_live_bytes(st) + (s64)f->size > (s64)p->mem_budget)
		reason = INJECT_MEM_BUDGET;
	else if (armed && f->fault_class == DDV_FAULT_ALLOC && (f->flags & DDV_CONTIG) &&
		 f->size > p->mem_contig_min && chance(c, p->mem_contig_rate))
		reason = INJECT_MEM_CONTIG;
	else if (armed && f->fault_class == DDV_FAULT_ALLOC && chance(c, p->mem_rate))
		reason = INJECT_MEM_RANDOM;
	else if (armed && f->fault_class == DDV_FAULT_TRYLOCK && chance(c, p->trylock_rate))
		reason = INJECT_TRYLOCK;
	else if (chance(c, config_get(cfg, CONFIG_FAULT_RATE, f->func, armed ? p->rate : 0))) {
		u64 k = config_get(cfg, CONFIG_FAULT_CONSECUTIVE, f->func,
				   armed ? p->consecutive : 0);

		reason = INJECT_RANDOM;
		if (k)
			config_set(cfg, CONFIG_FAULT_STREAK, f->func, k);
	}
	if (reason == INJECT_NONE)
		return false;

	v->fail = true;
	v->reason = reason;
	if (f->nfail > 1)
		v->value_index = ((inject_random(c) >> 32) * f->nfail) >> 32;
	ENV_ADD(st->injected, 1);
	ENV_ADD(st->by_reason[reason], 1);
	return true;
}
