// SPDX-License-Identifier: GPL-2.0
/* scopes.c: leak scopes: the packs' rule-defined ones around their calls, and the user's (DDV_OP_SCOPE). */
#include <linux/kernel.h>
#include <linux/err.h>
#include <linux/log2.h>
#include <linux/spinlock.h>
#include "ddv_internal.h"
#include "scopes.h"

/*
 * How it works. Every scope open for a driver, the user's and the rules',
 * has an id from one sequence per driver (dut->last_scope, 1..65535, then
 * 1 again). New objects carry the id of the newest open scope in bits
 * 48-63 of their site (dut->scope, read by objects.c), so an object made
 * while scope S was open carries an id in [S, the last id given]: ids only
 * grow while S is open, whatever scopes begin or end meanwhile. A scope's
 * end therefore names the objects it made by that range, nested and
 * overlapping scopes included.
 *
 * A rule scope (struct ddv_scope_desc) also counts, from the successful
 * return of its begin function to the call of its end function, the
 * objects of its type that the driver creates (+1), destroys and hands over
 * (-1): the count of the driver's objects of that type must come back to
 * where it was. Only when it has not does its end walk the store for the
 * objects to name, so a balanced scope costs no walk.
 */

u16 ddv_scope_boundaries;
u8 ddv_scope_role[DDV_MAX_FUNCS];
u8 ddv_rule_scopes_open[DDV_MAX_DUTS];

/* Scopes open at once per driver; a begin past it is refused and reported. */
#define SCOPES_OPEN 8

/* The site's bits, as objects.c packs them (call_site()). */
#define SITE_ID(site) ((u32)(site))
#define SITE_FUNC(site) ((u32)((site) >> 32) & 0xffff)
#define SITE_SCOPE(site) ((u16)((site) >> 48))

struct open_scope {
	const struct ddv_pack *pack;		/* NULL: the user's scope */
	const struct ddv_scope_desc *desc;
	long excess;				/* the driver's objects of gtype: now - at begin */
	u16 id;
	u16 gtype;
};

struct dut_scopes {
	spinlock_t lock;			/* any context: wrappers open and close scopes */
	unsigned int nopen;
	struct open_scope open[SCOPES_OPEN];	/* in the order they began */
	atomic64_t refused;
};

static struct dut_scopes dut_scopes[DDV_MAX_DUTS] = {
	[0 ... DDV_MAX_DUTS - 1] = { .lock = __SPIN_LOCK_UNLOCKED(dut_scopes.lock) },
};

/* Under ds->lock: the stamp of new objects and the counting gate follow the open scopes. */
static void restamp(struct ddv_dut *dut, struct dut_scopes *ds)
{
	unsigned int i, rules = 0;

	for (i = 0; i < ds->nopen; i++)
		rules += ds->open[i].pack != NULL;
	WRITE_ONCE(ddv_rule_scopes_open[dut - ddv_duts], rules);
	WRITE_ONCE(dut->scope, ds->nopen ? ds->open[ds->nopen - 1].id : 0);
}

/* Under ds->lock: a new scope, newest of all; its id, or 0 when SCOPES_OPEN are open. */
static u16 open_locked(struct ddv_dut *dut, struct dut_scopes *ds, const struct ddv_pack *pack,
		       const struct ddv_scope_desc *desc)
{
	struct open_scope *o;
	u16 id;

	if (ds->nopen == SCOPES_OPEN)
		return 0;
	/* Ids wrap after 65535 scopes; 0 means "none". */
	id = dut->last_scope == U16_MAX ? 1 : dut->last_scope + 1;
	WRITE_ONCE(dut->last_scope, id);
	o = &ds->open[ds->nopen++];
	o->pack = pack;
	o->desc = desc;
	o->excess = 0;
	o->id = id;
	o->gtype = pack ? pack->type_base + desc->type : 0;
	restamp(dut, ds);
	return id;
}

/* Under ds->lock: closes open scope i; *closed receives it, *last the last id given. */
static void close_locked(struct ddv_dut *dut, struct dut_scopes *ds, unsigned int i,
			 struct open_scope *closed, u16 *last)
{
	*closed = ds->open[i];
	*last = dut->last_scope;
	memmove(&ds->open[i], &ds->open[i + 1], (ds->nopen - i - 1) * sizeof(ds->open[0]));
	ds->nopen--;
	restamp(dut, ds);
}

/* Was an object stamped with stamp made while the scope that got id first was open? */
static bool stamp_in(u16 stamp, u16 first, u16 last)
{
	return stamp && (u16)(stamp - first) <= (u16)(last - first);
}

/* The user's scope: its type's leak message with the key and fields, as at unload. */
static void report_type_leak(struct ddv_dut *dut, const struct store_obj *o)
{
	const struct ddv_type_desc *t;
	struct ddv_pack *pack;
	u64 args[DDV_MAX_ARGS];
	unsigned int n, i;
	u16 local;

	pack = ddv_type_pack(o->type, &local);
	if (!pack) {
		ddv_log_at(0, DDV_RT_LEAK_UNKNOWN_TYPE, 3, (u64[]){ dut->id, o->type, o->key },
			   dut->id, SITE_ID(o->site), SITE_FUNC(o->site), 0, false);
		return;
	}
	t = &pack->types[local];
	args[0] = o->key;
	for (i = 0; i < t->nfields && i + 1 < DDV_MAX_ARGS; i++)
		args[i + 1] = o->fields[i];
	n = min_t(unsigned int, pack->msgs[t->leak_msg].nargs, i + 1);
	ddv_log_at(pack->pack_id, t->leak_msg, n, args, dut->id, SITE_ID(o->site),
		   SITE_FUNC(o->site), 0, false);
}

/*
 * Reports every object dut owns that was made while scope s was open (ids
 * first..last), each followed by ddv.at naming its allocation site. A rule
 * scope's objects (of its type only) get the scope's message; the user's
 * (any type that has a leak message) their type's. Returns how many.
 */
static unsigned int report_scope(struct ddv_dut *dut, const struct open_scope *s, u16 last)
{
	struct store_filter f = {
		.type_lo = s->pack ? s->gtype : STORE_TYPE_FIRST_PACK,
		.type_hi = s->pack ? s->gtype + 1 : 0,
		.owner = dut->id,
	};
	unsigned int named = 0;
	struct store_obj o;
	u64 cursor = 0;

	while (store_next(&ddv_store, &cursor, &f, &o)) {
		if (!stamp_in(SITE_SCOPE(o.site), s->id, last))
			continue;
		if (s->pack) {
			ddv_log_at(s->pack->pack_id, s->desc->msg, 0, NULL, dut->id,
				   SITE_ID(o.site), SITE_FUNC(o.site), 0, false);
		} else {
			u16 local;
			struct ddv_pack *pack = ddv_type_pack(o.type, &local);

			if (pack && !pack->types[local].leak_msg)
				continue;
			report_type_leak(dut, &o);
		}
		atomic64_inc(&dut->violations);
		named++;
	}
	return named;
}

/*
 * Did the call succeed, for a scope's begin? A pointer result: neither NULL
 * nor an ERR_PTR. Otherwise the result is none of the function's failure
 * values; and when these are all negative (errnos) no negative result is a
 * success either. A function that cannot fail (void, no failure values)
 * always succeeds.
 */
static bool call_succeeded(const struct ddv_func_desc *f, u64 ret)
{
	bool errnos = f->nfail > 0;
	s64 v = (s64)ret;
	unsigned int i;

	if (f->flags & DDV_FUNC_RET_PTR)
		return ret && !IS_ERR_VALUE((unsigned long)ret);
	for (i = 0; i < f->nfail; i++) {
		if (f->fail_values[i] == v)
			return false;
		if (f->fail_values[i] >= 0)
			errnos = false;
	}
	return !(errnos && v < 0);
}

/* A begin that found SCOPES_OPEN scopes open: logged at the 1st, 2nd, 4th... */
static void refused(struct ddv_call *call, struct dut_scopes *ds)
{
	u64 n = atomic64_inc_return(&ds->refused);

	if (is_power_of_2(n))
		ddv_log(0, DDV_RT_SCOPE_REFUSED, 5,
			(u64[]){ call->dut, ddv_call_site(call), call->pack->func_base + call->func,
				 SCOPES_OPEN, n });
}

/*
 * The begin function returned (any context, from __ddv_call_exit): on
 * success each scope it begins opens, newest of the driver's.
 */
void ddv_scope_exit(struct ddv_call *call, u64 ret)
{
	u32 id = call->pack->func_base + call->func;
	struct ddv_dut *dut = &ddv_duts[call->dut];
	struct dut_scopes *ds = &dut_scopes[call->dut];
	unsigned long flags;
	unsigned int i;

	if (!(READ_ONCE(ddv_scope_role[id]) & DDV_SCOPE_BEGINS) ||
	    !call_succeeded(&call->pack->funcs[call->func], ret))
		return;
	for (i = 0; i < call->pack->nscopes; i++) {
		const struct ddv_scope_desc *s = &call->pack->scopes[i];
		u16 opened;

		if (s->begin_func != call->func)
			continue;
		spin_lock_irqsave(&ds->lock, flags);
		opened = open_locked(dut, ds, call->pack, s);
		spin_unlock_irqrestore(&ds->lock, flags);
		if (!opened)
			refused(call, ds);
	}
}

/*
 * The end function is called (any context, from ddv_call_enter, before the
 * original runs): each scope it ends closes, the newest open one of that
 * scope first; one whose count did not come back names its objects. A
 * function that begins a scope needs the out-of-line exit.
 */
void ddv_scope_enter(struct ddv_call *call, u32 id)
{
	struct ddv_dut *dut = &ddv_duts[call->dut];
	struct dut_scopes *ds = &dut_scopes[call->dut];
	u8 role = READ_ONCE(ddv_scope_role[id]);
	unsigned int i, j;

	if (role & DDV_SCOPE_BEGINS)
		call->fast_exit = 0;
	if (!(role & DDV_SCOPE_ENDS))
		return;
	for (i = 0; i < call->pack->nscopes; i++) {
		const struct ddv_scope_desc *s = &call->pack->scopes[i];
		struct open_scope closed = { .pack = NULL };
		unsigned long flags;
		unsigned int named;
		u16 last = 0;

		if (s->end_func != call->func)
			continue;
		spin_lock_irqsave(&ds->lock, flags);
		for (j = ds->nopen; j-- > 0;) {
			if (ds->open[j].desc == s) {
				close_locked(dut, ds, j, &closed, &last);
				break;
			}
		}
		spin_unlock_irqrestore(&ds->lock, flags);
		/* Not open (its begin failed or never ran), or balanced. */
		if (!closed.pack || closed.excess <= 0)
			continue;
		named = report_scope(dut, &closed, last);
		ddv_log(0, DDV_RT_SCOPE_UNBALANCED, 6,
			(u64[]){ call->dut, ddv_call_site(call), id, closed.gtype, closed.excess,
				 named });
	}
}

/* The driver created (+1), destroyed or handed over (-1) an object of type: count it. */
void ddv_scope_count(struct ddv_call *call, u16 type, long delta)
{
	struct dut_scopes *ds = &dut_scopes[call->dut];
	u16 gtype = call->pack->type_base + type;
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&ds->lock, flags);
	for (i = 0; i < ds->nopen; i++)
		if (ds->open[i].pack && ds->open[i].gtype == gtype)
			ds->open[i].excess += delta;
	spin_unlock_irqrestore(&ds->lock, flags);
}

/* What is wrong with a pack's scopes, or NULL. */
const char *ddv_scopes_invalid(const struct ddv_pack *pack)
{
	unsigned int i;

	for (i = 0; i < pack->nscopes; i++) {
		const struct ddv_scope_desc *s = &pack->scopes[i];

		if (s->begin_func >= pack->nfuncs || s->end_func >= pack->nfuncs ||
		    s->type >= pack->ntypes || !s->msg || s->msg >= pack->nmsgs)
			return "a leak scope out of range";
	}
	return NULL;
}

static void mark(u32 id, u8 role)
{
	if (!ddv_scope_role[id])
		WRITE_ONCE(ddv_scope_boundaries, ddv_scope_boundaries + 1);
	WRITE_ONCE(ddv_scope_role[id], ddv_scope_role[id] | role);
}

/* Registration (ddv_mutex held, bases set): the wrappers of its boundaries take the scope path. */
void ddv_scopes_register(struct ddv_pack *pack)
{
	unsigned int i;

	for (i = 0; i < pack->nscopes; i++) {
		mark(pack->func_base + pack->scopes[i].begin_func, DDV_SCOPE_BEGINS);
		mark(pack->func_base + pack->scopes[i].end_func, DDV_SCOPE_ENDS);
	}
}

/* The pack is going (ddv_mutex held; no driver calls its wrappers): forget its scopes. */
void ddv_scopes_unregister(struct ddv_pack *pack)
{
	unsigned int d, i;

	for (d = 1; d < DDV_MAX_DUTS; d++) {
		struct dut_scopes *ds = &dut_scopes[d];
		unsigned long flags;

		spin_lock_irqsave(&ds->lock, flags);
		for (i = ds->nopen; i-- > 0;) {
			if (ds->open[i].pack == pack) {
				memmove(&ds->open[i], &ds->open[i + 1],
					(ds->nopen - i - 1) * sizeof(ds->open[0]));
				ds->nopen--;
			}
		}
		restamp(&ddv_duts[d], ds);
		spin_unlock_irqrestore(&ds->lock, flags);
	}
	for (i = 0; i < pack->nscopes; i++) {
		u32 ids[2] = { pack->func_base + pack->scopes[i].begin_func,
			       pack->func_base + pack->scopes[i].end_func };
		unsigned int k;

		for (k = 0; k < 2; k++) {
			if (!ddv_scope_role[ids[k]])
				continue;
			WRITE_ONCE(ddv_scope_role[ids[k]], 0);
			WRITE_ONCE(ddv_scope_boundaries, ddv_scope_boundaries - 1);
		}
	}
}

/* DDV_OP_SCOPE begin (ddv_mutex held): one user scope per driver at a time. */
int ddv_scope_user_begin(struct ddv_dut *dut, u16 *id)
{
	struct dut_scopes *ds = &dut_scopes[dut - ddv_duts];
	unsigned long flags;
	unsigned int i;
	int ret = 0;

	spin_lock_irqsave(&ds->lock, flags);
	for (i = 0; i < ds->nopen; i++)
		if (!ds->open[i].pack)
			ret = -EBUSY;
	if (!ret) {
		*id = open_locked(dut, ds, NULL, NULL);
		if (!*id)
			ret = -ENOSPC;
	}
	spin_unlock_irqrestore(&ds->lock, flags);
	return ret;
}

/* DDV_OP_SCOPE end (ddv_mutex held): closes the user's scope, reports what it made and still owns. */
int ddv_scope_user_end(struct ddv_dut *dut, u16 *id, unsigned int *leaks)
{
	struct dut_scopes *ds = &dut_scopes[dut - ddv_duts];
	struct open_scope closed;
	unsigned long flags;
	unsigned int i;
	u16 last = 0;
	int ret = -ENOENT;

	spin_lock_irqsave(&ds->lock, flags);
	for (i = 0; i < ds->nopen; i++) {
		if (!ds->open[i].pack) {
			close_locked(dut, ds, i, &closed, &last);
			ret = 0;
			break;
		}
	}
	spin_unlock_irqrestore(&ds->lock, flags);
	if (ret)
		return ret;
	*id = closed.id;
	*leaks = report_scope(dut, &closed, last);
	return 0;
}

/*
 * The driver went or is detached: its open scopes end unchecked (at unload
 * the leak check reports everything it still owns anyway).
 */
void ddv_scopes_reset(struct ddv_dut *dut)
{
	struct dut_scopes *ds = &dut_scopes[dut - ddv_duts];
	unsigned long flags;

	spin_lock_irqsave(&ds->lock, flags);
	ds->nopen = 0;
	restamp(dut, ds);
	spin_unlock_irqrestore(&ds->lock, flags);
}
