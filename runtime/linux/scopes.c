// SPDX-License-Identifier: GPL-2.0
/* scopes.c: leak scopes: the packs' rule-defined ones around their calls, and the user's. */
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/spinlock.h>
#include "ddv_internal.h"
#include "scopes.h"
#include "scope_table.h"

/*
 * How it works. The table of each driver's open scopes (core/scope_table.h) gives
 * the scopes their ids and new objects their stamp (ddv_dut_scope[], which
 * objects.c puts in bits 48-63 of an object's site); the objects a scope
 * made are those whose stamp lies in [its id, the last id given], nested
 * and overlapping scopes included.
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
u16 ddv_dut_scope[DDV_MAX_DUTS];
EXPORT_SYMBOL_GPL(ddv_dut_scope);

struct dut_scopes {
	spinlock_t lock;			/* any context: wrappers open and close scopes */
	struct scope_table table;
	atomic64_t refused;
};

static struct dut_scopes dut_scopes[DDV_MAX_DUTS] = {
	[0 ... DDV_MAX_DUTS - 1] = { .lock = __SPIN_LOCK_UNLOCKED(dut_scopes.lock) },
};

static inline struct dut_scopes *scopes_of(const struct ddv_dut *dut)
{
	return &dut_scopes[dut - ddv_duts];
}

/* Under ds->lock, after any change: the stamp of new objects and the counting gate follow. */
static void restamp(struct ddv_dut *dut, struct dut_scopes *ds)
{
	WRITE_ONCE(ddv_rule_scopes_open[dut - ddv_duts], ds->table.nrules);
	WRITE_ONCE(dut->last_scope, ds->table.last);
	WRITE_ONCE(ddv_dut_scope[dut - ddv_duts], scope_stamp(&ds->table));
}

/*
 * The user's scope stamps new objects' sites, which the inline create leaves
 * out: the inline gate stays closed while it is open. (The packs' rule scopes
 * hold it while any is registered: DDV_INLINE_HOLDER_SCOPES.)
 */
static void user_scope_hold(struct ddv_dut *dut, bool on)
{
	ddv_obj_inline_hold(DDV_INLINE_HOLDER_STAMP + (dut - ddv_duts), on);
}

/*
 * Reports every object dut owns that was made while scope s was open (ids
 * s->id..last), each followed by ddv.at naming its allocation site. A rule
 * scope's objects (of its type only) get the scope's message; the user's
 * (any type that has a leak message) their type's. Returns how many.
 */
static unsigned int report_scope(struct ddv_dut *dut, const struct scope_open *s, u16 last)
{
	const struct ddv_pack *rule_pack = s->owner;
	const struct ddv_scope_desc *rule = s->rule;
	struct store_filter f = {
		.type_lo = rule ? s->gtype : STORE_TYPE_FIRST_PACK,
		.type_hi = rule ? s->gtype + 1 : 0,
		.owner = dut->id,
	};
	unsigned int named = 0;
	struct store_obj o;
	u64 cursor = 0;

	while (store_next(&ddv_store, &cursor, &f, &o)) {
		if (!scope_stamp_in(SITE_SCOPE(o.site), s->id, last))
			continue;
		if (rule) {
			/* The key and fields, when the message names any (ddvc gives them all). */
			ddv_report_object(dut, &o, rule_pack, rule->msg,
					  rule_pack->types[rule->type].nfields);
		} else if (ddv_report_leak(dut, &o) == DDV_NOT_A_LEAK) {
			continue;
		}
		atomic64_inc(&dut->violations);
		named++;
	}
	return named;
}

/* A begin that found SCOPE_OPEN_MAX scopes open: logged at the 1st, 2nd, 4th... */
static void refused(struct ddv_call *call, struct dut_scopes *ds)
{
	u64 n = atomic64_inc_return(&ds->refused);

	if (is_power_of_2(n))
		ddv_log(0, DDV_RT_SCOPE_REFUSED, 5,
			(u64[]){ call->dut, ddv_call_site(call), call->pack->func_base + call->func,
				 SCOPE_OPEN_MAX, n });
}

/*
 * The begin function returned (any context, from __ddv_call_exit): on
 * success (scope_call_succeeded) each scope it begins opens, newest of the
 * driver's.
 */
void ddv_scope_exit(struct ddv_call *call, u64 ret)
{
	const struct ddv_func_desc *f = &call->pack->funcs[call->func];
	u32 id = call->pack->func_base + call->func;
	struct ddv_dut *dut = &ddv_duts[call->dut];
	struct dut_scopes *ds = scopes_of(dut);
	unsigned long flags;
	unsigned int i;

	if (!(READ_ONCE(ddv_scope_role[id]) & DDV_SCOPE_BEGINS) ||
	    !scope_call_succeeded(f->flags & DDV_FUNC_RET_PTR, f->fail_values, f->nfail, ret))
		return;
	for (i = 0; i < call->pack->nscopes; i++) {
		const struct ddv_scope_desc *s = &call->pack->scopes[i];
		u16 opened;

		if (s->begin_func != call->func)
			continue;
		spin_lock_irqsave(&ds->lock, flags);
		opened = scope_open(&ds->table, call->pack, s, call->pack->type_base + s->type);
		restamp(dut, ds);
		spin_unlock_irqrestore(&ds->lock, flags);
		if (!opened)
			refused(call, ds);
	}
}

/*
 * The end function is called (any context, from __ddv_call_enter, before the
 * original runs): each scope it ends closes, the newest open one of that
 * scope first; one whose count did not come back names its objects. A
 * function that begins a scope needs the out-of-line exit.
 */
void ddv_scope_enter(struct ddv_call *call, u32 id)
{
	struct ddv_dut *dut = &ddv_duts[call->dut];
	struct dut_scopes *ds = scopes_of(dut);
	u8 role = READ_ONCE(ddv_scope_role[id]);
	unsigned int i;

	if (role & DDV_SCOPE_BEGINS)
		call->fast_exit = 0;
	if (!(role & DDV_SCOPE_ENDS))
		return;
	for (i = 0; i < call->pack->nscopes; i++) {
		const struct ddv_scope_desc *s = &call->pack->scopes[i];
		struct scope_open closed;
		unsigned long flags;
		unsigned int named;
		bool was_open;
		u16 last;

		if (s->end_func != call->func)
			continue;
		spin_lock_irqsave(&ds->lock, flags);
		was_open = scope_close(&ds->table, s, &closed, &last);
		restamp(dut, ds);
		spin_unlock_irqrestore(&ds->lock, flags);
		/* Not open (its begin failed or never ran), or balanced. */
		if (!was_open || closed.excess <= 0)
			continue;
		named = report_scope(dut, &closed, last);
		ddv_log(0, DDV_RT_SCOPE_UNBALANCED, 6,
			(u64[]){ call->dut, ddv_call_site(call), id, closed.gtype, closed.excess,
				 named });
	}
}

/* The driver created (+1), destroyed or handed over (-1) an object of global type gt: count it. */
void ddv_scope_count(struct ddv_call *call, u16 gt, long delta)
{
	struct dut_scopes *ds = &dut_scopes[call->dut];
	unsigned long flags;

	spin_lock_irqsave(&ds->lock, flags);
	scope_count(&ds->table, gt, delta);
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
	/* Rule scopes count every create and destroy: none inline from now. */
	if (ddv_scope_boundaries)
		ddv_obj_inline_hold(DDV_INLINE_HOLDER_SCOPES, true);
}


/* The pack is going (ddv_mutex held; no driver calls its wrappers): forget its scopes. */
void ddv_scopes_unregister(struct ddv_pack *pack)
{
	unsigned int d, i;

	for (d = 1; d < DDV_MAX_DUTS; d++) {
		struct dut_scopes *ds = &dut_scopes[d];
		unsigned long flags;

		spin_lock_irqsave(&ds->lock, flags);
		scope_drop_owner(&ds->table, pack);
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
	if (!ddv_scope_boundaries)
		ddv_obj_inline_hold(DDV_INLINE_HOLDER_SCOPES, false);
}

/* DDV_OP_SCOPE begin (ddv_mutex held): one user scope per driver at a time. */
static int user_begin(struct ddv_dut *dut, u16 *id)
{
	struct dut_scopes *ds = scopes_of(dut);
	unsigned long flags;
	unsigned int i;
	int ret = 0;

	spin_lock_irqsave(&ds->lock, flags);
	for (i = 0; i < ds->table.nopen; i++)
		if (!ds->table.open[i].rule)
			ret = -EBUSY;
	if (!ret) {
		*id = scope_open(&ds->table, NULL, NULL, 0);
		if (!*id)
			ret = -ENOSPC;
		restamp(dut, ds);
	}
	spin_unlock_irqrestore(&ds->lock, flags);
	if (!ret)
		user_scope_hold(dut, true);
	return ret;
}

/* DDV_OP_SCOPE end (ddv_mutex held): closes the user's scope, reports what it made, still owned. */
static int user_end(struct ddv_dut *dut, u16 *id, unsigned int *leaks)
{
	struct dut_scopes *ds = scopes_of(dut);
	struct scope_open closed;
	unsigned long flags;
	bool was_open;
	u16 last;

	spin_lock_irqsave(&ds->lock, flags);
	was_open = scope_close(&ds->table, NULL, &closed, &last);
	restamp(dut, ds);
	spin_unlock_irqrestore(&ds->lock, flags);
	if (!was_open)
		return -ENOENT;
	user_scope_hold(dut, false);
	*id = closed.id;
	*leaks = report_scope(dut, &closed, last);
	return 0;
}

/*
 * The driver went, or its slot is freed: its open scopes end unchecked (at
 * unload the leak check reports everything it still owns anyway). Ids go on
 * from the last one given.
 */
void ddv_scopes_reset(struct ddv_dut *dut)
{
	struct dut_scopes *ds = scopes_of(dut);
	unsigned long flags;

	spin_lock_irqsave(&ds->lock, flags);
	scope_reset(&ds->table);
	restamp(dut, ds);
	spin_unlock_irqrestore(&ds->lock, flags);
	user_scope_hold(dut, false);
}

/*
 * DDV_OP_SCOPE, under ddv_mutex: begin stamps a new scope id on the objects
 * the driver creates from now; end reports those still live. One user scope
 * per driver at a time; rule scopes may nest in it and it in them.
 */
long ddv_op_scope(struct ddv_cmd *cmd)
{
	struct ddv_dut *dut;
	unsigned int leaks;
	long ret;
	u16 scope;

	if (cmd->arg[0] > 1 || !cmd->arg[1] || cmd->arg[1] >= DDV_MAX_DUTS)
		return -EINVAL;
	dut = &ddv_duts[cmd->arg[1]];
	if (dut->state == DDV_DUT_FREE)
		return -ENOENT;
	if (cmd->arg[0]) {
		ret = user_begin(dut, &scope);
		if (!ret) {
			ddv_log_rt(DDV_RT_SCOPE_BEGIN, 2, (u64)dut->id, (u64)scope);
			cmd->out[0] = scope;
		}
	} else {
		ret = user_end(dut, &scope, &leaks);
		if (!ret) {
			cmd->out[0] = leaks;
			ddv_log_rt(DDV_RT_SCOPE_END, 3, (u64)dut->id, (u64)scope, (u64)leaks);
		}
	}
	return ret;
}
