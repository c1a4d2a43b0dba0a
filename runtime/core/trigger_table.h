/* SPDX-License-Identifier: GPL-2.0 */
/*
 * trigger_table.h: context-aware event injection (the DDV paper, 4.2.4): a table of
 * triggers, each an observed call of the driver under test and an action.
 * Portable (core/env.h), header only, so user-space tests run the same code.
 *
 * A trigger watches calls of one function (global id), optionally only those
 * whose argument ARG compares with VALUE (==, !=, <, <=, >, >=, or & for "any
 * of these bits"), optionally only in one phase of the driver's life (its
 * init, its live time, its exit), and fires once, at the Nth such call
 * (1: the first). Its action: fail the next K calls of another function
 * (the kernel side sets the injector's streak), a delay, or a record that
 * asks the ddv command to run a shell command in the system (the CLI keeps
 * the command; the runtime knows only its number).
 *
 * The control path (serialized by the caller) fills the table; the hot path
 * (trigger_match) reads it on any CPU at once: no lock, no allocation, a
 * compare-and-swap on the matching entry's countdown, so that two CPUs never
 * both fire it.
 */
#ifndef DDV_CORE_TRIGGER_TABLE_H
#define DDV_CORE_TRIGGER_TABLE_H

#include "env.h"

#define TRIGGER_MAX 16			/* triggers set at once */
#define TRIGGER_MAX_ARG 6		/* = DDV_MAX_ARGS */
#define TRIGGER_MAX_FAIL 1000		/* K of "fail FUNC K" */
#define TRIGGER_MAX_DELAY_US 1000000	/* a delay of at most 1 s */

enum trigger_cmp {
	TRIGGER_CMP_NONE,	/* no condition */
	TRIGGER_CMP_EQ, TRIGGER_CMP_NE, TRIGGER_CMP_LT, TRIGGER_CMP_LE,
	TRIGGER_CMP_GT, TRIGGER_CMP_GE,
	TRIGGER_CMP_AND,	/* arg & value != 0 */
	TRIGGER_CMP_COUNT
};

enum trigger_phase {
	TRIGGER_PHASE_ANY,
	TRIGGER_PHASE_LOAD,	/* the driver's init is running */
	TRIGGER_PHASE_LIVE,	/* between its init and its exit */
	TRIGGER_PHASE_UNLOAD,	/* its exit is running */
	TRIGGER_PHASE_COUNT
};

enum trigger_action {
	TRIGGER_NONE,
	TRIGGER_FAIL,		/* target: a function; amount: K calls to fail */
	TRIGGER_DELAY,		/* amount: microseconds */
	TRIGGER_RUN,		/* amount: the ddv command's number of the command */
	TRIGGER_ACTION_COUNT
};

struct trigger {
	u32 func;		/* the observed function */
	u8 arg;			/* 1..TRIGGER_MAX_ARG: the argument compared; 0: none */
	u8 cmp;			/* enum trigger_cmp */
	u8 phase;		/* enum trigger_phase */
	u8 action;		/* enum trigger_action */
	u64 value;
	u64 nth;		/* fire at the Nth matching call (from 1) */
	u32 target;		/* TRIGGER_FAIL: the function to fail */
	u64 amount;
	s64 left;		/* matching calls until it fires; 0: fired (or unset) */
};

struct trigger_table {
	u32 n;			/* entries published */
	struct trigger t[TRIGGER_MAX];
};

/* The setting is one the table takes (0), or -EINVAL. */
static inline int trigger_valid(const struct trigger *t)
{
	if (t->arg > TRIGGER_MAX_ARG || t->cmp >= TRIGGER_CMP_COUNT ||
	    (t->arg == 0) != (t->cmp == TRIGGER_CMP_NONE) || t->phase >= TRIGGER_PHASE_COUNT ||
	    t->action == TRIGGER_NONE || t->action >= TRIGGER_ACTION_COUNT || !t->nth ||
	    t->nth > (u64)(~0ull >> 1))
		return -EINVAL;
	if (t->action == TRIGGER_FAIL && (!t->amount || t->amount > TRIGGER_MAX_FAIL))
		return -EINVAL;
	if (t->action == TRIGGER_DELAY && (!t->amount || t->amount > TRIGGER_MAX_DELAY_US))
		return -EINVAL;
	return 0;
}

/* Control path: adds t (armed: its countdown starts at nth). Returns its index or -errno. */
static inline int trigger_add(struct trigger_table *tt, const struct trigger *t)
{
	u32 i = tt->n;
	int err = trigger_valid(t);

	if (err)
		return err;
	if (i >= TRIGGER_MAX)
		return -ENOSPC;
	tt->t[i] = *t;
	tt->t[i].left = (s64)t->nth;
	/* The entry is whole before a reader can see it. */
	ENV_STORE_RELEASE(tt->n, i + 1);
	return (int)i;
}

/* Control path: no trigger any more (entries are reused only after this). */
static inline void trigger_clear(struct trigger_table *tt)
{
	u32 i;

	ENV_STORE_RELEASE(tt->n, 0);
	for (i = 0; i < TRIGGER_MAX; i++)
		ENV_WRITE(tt->t[i].left, 0);
}

/* Triggers still armed (not fired). */
static inline u32 trigger_armed(const struct trigger_table *tt)
{
	u32 i, n = ENV_LOAD_ACQUIRE(tt->n), armed = 0;

	for (i = 0; i < n; i++)
		armed += ENV_READ(tt->t[i].left) > 0;
	return armed;
}

static inline bool trigger_cond(const struct trigger *t, const u64 *args, unsigned int nargs)
{
	u64 a;

	if (t->cmp == TRIGGER_CMP_NONE)
		return true;
	if (!args || t->arg > nargs)
		return false;
	a = args[t->arg - 1];
	switch (t->cmp) {
	case TRIGGER_CMP_EQ: return a == t->value;
	case TRIGGER_CMP_NE: return a != t->value;
	case TRIGGER_CMP_LT: return a < t->value;
	case TRIGGER_CMP_LE: return a <= t->value;
	case TRIGGER_CMP_GT: return a > t->value;
	case TRIGGER_CMP_GE: return a >= t->value;
	case TRIGGER_CMP_AND: return (a & t->value) != 0;
	}
	return false;
}

/*
 * Hot path: one call of func with its arguments (unsigned, as the wrapper
 * took them), in phase. Counts it against every armed trigger it matches and
 * returns the set of those that fire now (bit i: tt->t[i]; the caller acts
 * on each), 0 for none. Each trigger fires once, on one CPU.
 */
static inline u32 trigger_match(struct trigger_table *tt, u32 func, const u64 *args,
				unsigned int nargs, u8 phase)
{
	u32 i, n = ENV_LOAD_ACQUIRE(tt->n), fired = 0;

	for (i = 0; i < n; i++) {
		struct trigger *t = &tt->t[i];
		s64 left;

		if (t->func != func || (t->phase && t->phase != phase) ||
		    !trigger_cond(t, args, nargs))
			continue;
		left = ENV_READ(t->left);
		/* A failed swap reloads left: another CPU counted meanwhile. */
		while (left > 0) {
			if (ENV_CAS(t->left, left, left - 1)) {
				if (left == 1)
					fired |= 1u << i;
				break;
			}
		}
	}
	return fired;
}

#endif /* DDV_CORE_TRIGGER_TABLE_H */
