/* SPDX-License-Identifier: GPL-2.0 */
/* scopes.h: leak scopes in ddv.ko (scopes.c): the gates the hot path reads, and its hooks. */
#ifndef DDV_SCOPES_H
#define DDV_SCOPES_H

#include "ddv_internal.h"

/* What a global function is to the packs' leak scopes (ddv_scope_role[]). */
#define DDV_SCOPE_BEGINS	0x1	/* its successful return opens a scope */
#define DDV_SCOPE_ENDS		0x2	/* its call closes and checks one */

/* Functions that begin or end a rule scope, over all packs: 0 while no pack has a scope. */
extern u16 ddv_scope_boundaries;
extern u8 ddv_scope_role[DDV_MAX_FUNCS];
/* Rule scopes open per driver: while 0, creates and destroys count nothing. */
extern u8 ddv_rule_scopes_open[DDV_MAX_DUTS];
/* Per driver: the leak scope open now (stamped on new objects), 0: none. */
extern u16 ddv_dut_scope[DDV_MAX_DUTS];

/*
 * Is global function id the begin or the end of a pack's leak scope? While
 * no pack declares a scope (the shipped packs) one compare with memory and
 * a branch: ddv_scope_boundaries is read plainly (no READ_ONCE) so that the
 * compiler may compare it in memory; it changes only while a pack registers
 * or goes, and a stale value matters only to that pack's own functions,
 * which no driver calls yet or any more.
 */
static __always_inline bool ddv_scope_boundary(u32 id)
{
	return unlikely(ddv_scope_boundaries) && READ_ONCE(ddv_scope_role[id]);
}

/*
 * Do creates and destroys of dut's objects count for an open rule scope?
 * While no pack declares a scope, one compare with memory and a branch
 * (and no scope can be open).
 */
static __always_inline bool ddv_scope_counting(u16 dut)
{
	return unlikely(ddv_scope_boundaries) && READ_ONCE(ddv_rule_scopes_open[dut]);
}

/* Hooks: abi.c (__ddv_call_enter, __ddv_call_exit), objects.c (create, destroy, disown). */
void ddv_scope_enter(struct ddv_call *call, u32 id);
void ddv_scope_exit(struct ddv_call *call, u64 ret);
void ddv_scope_count(struct ddv_call *call, u16 gt, long delta);

/* pack.c: checked, marked and forgotten with the pack (under ddv_mutex). */
const char *ddv_scopes_invalid(const struct ddv_pack *pack);
void ddv_scopes_register(struct ddv_pack *pack);
void ddv_scopes_unregister(struct ddv_pack *pack);

/* dut.c: a driver that goes or is detached. */
void ddv_scopes_reset(struct ddv_dut *dut);

#endif /* DDV_SCOPES_H */
