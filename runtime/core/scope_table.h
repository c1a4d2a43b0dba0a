/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scope_table.h: the leak scopes open for one driver, as a table the kernel side
 * (runtime/linux/scopes.c) keeps under its lock: ids, the stamp of new
 * objects, the count of a rule scope, and when a call counts as a success.
 * Portable (core/env.h), header only, so user-space tests run the same code.
 *
 * Every scope, the user's and the rules', takes an id from one sequence per
 * driver (1..65535, then 1 again; 0 means "none"). New objects carry the id
 * of the newest open scope (scope_stamp). While a scope is open ids only
 * grow, so the objects made while it was open are exactly those whose stamp
 * lies in [its id, the last id given] (scope_stamp_in): that holds whatever
 * scopes begin or end meanwhile, so scopes nest and overlap freely.
 */
#ifndef DDV_CORE_SCOPE_TABLE_H
#define DDV_CORE_SCOPE_TABLE_H

#include "env.h"

#define SCOPE_OPEN_MAX 8	/* scopes open at once per driver */
#define SCOPE_MAX_ERRNO 4095	/* an ERR_PTR is one of the last 4095 addresses */

struct scope_open {
	const void *owner;	/* the rule scope's pack; NULL: the user's scope */
	const void *rule;	/* its rule (struct ddv_scope_desc); NULL: the user's */
	s64 excess;		/* the driver's objects of gtype now minus at the begin */
	u16 id;
	u16 gtype;		/* the counted type (global id); 0 for the user's */
};

struct scope_table {
	u16 last;		/* the last id given */
	u8 nopen;
	u8 nrules;		/* rule scopes among the open ones */
	struct scope_open open[SCOPE_OPEN_MAX];	/* in the order they began */
};

/* The stamp of an object created now: the newest open scope's id, or 0. */
static inline u16 scope_stamp(const struct scope_table *t)
{
	return t->nopen ? t->open[t->nopen - 1].id : 0;
}

/* Was an object stamped stamp made while the scope with id first was open (ids up to last)? */
static inline bool scope_stamp_in(u16 stamp, u16 first, u16 last)
{
	return stamp && (u16)(stamp - first) <= (u16)(last - first);
}

/* Opens a scope, the newest of all: its id, or 0 when SCOPE_OPEN_MAX are open. */
static inline u16 scope_open(struct scope_table *t, const void *owner, const void *rule, u16 gtype)
{
	struct scope_open *o;

	if (t->nopen == SCOPE_OPEN_MAX)
		return 0;
	t->last = t->last == 0xffff ? 1 : t->last + 1;
	o = &t->open[t->nopen++];
	o->owner = owner;
	o->rule = rule;
	o->excess = 0;
	o->id = t->last;
	o->gtype = owner ? gtype : 0;
	t->nrules += owner != NULL;
	return o->id;
}

static inline void scope_remove(struct scope_table *t, unsigned int i)
{
	t->nrules -= t->open[i].owner != NULL;
	memmove(&t->open[i], &t->open[i + 1], (t->nopen - i - 1) * sizeof(t->open[0]));
	t->nopen--;
}

/*
 * Closes the newest open scope of rule (NULL: the user's scope); *closed
 * receives it, *last the last id given (the end of its stamp range).
 * False when none is open.
 */
static inline bool scope_close(struct scope_table *t, const void *rule, struct scope_open *closed,
			       u16 *last)
{
	unsigned int i;

	for (i = t->nopen; i-- > 0;) {
		if (t->open[i].rule == rule) {
			*closed = t->open[i];
			*last = t->last;
			scope_remove(t, i);
			return true;
		}
	}
	return false;
}

/* The driver created (+1), destroyed or handed over (-1) an object of global type gtype. */
static inline void scope_count(struct scope_table *t, u16 gtype, s64 delta)
{
	unsigned int i;

	for (i = 0; i < t->nopen; i++)
		if (t->open[i].owner && t->open[i].gtype == gtype)
			t->open[i].excess += delta;
}

/* Forgets the open scopes of owner (a pack that goes). */
static inline void scope_drop_owner(struct scope_table *t, const void *owner)
{
	unsigned int i;

	for (i = t->nopen; i-- > 0;)
		if (t->open[i].owner == owner)
			scope_remove(t, i);
}

/* Forgets every open scope (the driver went); ids go on from the last. */
static inline void scope_reset(struct scope_table *t)
{
	t->nopen = 0;
	t->nrules = 0;
}

/*
 * Did a call that begins a scope succeed? A pointer result (ret_ptr): neither
 * NULL nor an ERR_PTR. Otherwise: none of the function's failure values, and
 * not negative when those are all negative (errnos: -EIO fails as well as the
 * listed -ENOMEM). No failure value (a void function, one that cannot fail):
 * always. ret is the result widened to 64 bits with its sign (int -4 is
 * 0xffff...fffc), as the generated wrappers pass it.
 */
static inline bool scope_call_succeeded(bool ret_ptr, const s64 *fail_values, unsigned int nfail,
					u64 ret)
{
	bool errnos = nfail > 0;
	s64 v = (s64)ret;
	unsigned int i;

	if (ret_ptr)
		return ret && ret < (u64)-SCOPE_MAX_ERRNO;
	for (i = 0; i < nfail; i++) {
		if (fail_values[i] == v)
			return false;
		if (fail_values[i] >= 0)
			errnos = false;
	}
	return !(errnos && v < 0);
}

#endif /* DDV_CORE_SCOPE_TABLE_H */
