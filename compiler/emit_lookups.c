/*
 * emit_lookups.c: the object lookups a rule makes (collect), and the runs of
 * checks that share them, with the if that may end a run (check_run); the
 * chains of ifs on lookups (chain_len).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "compiler/parser.h"
#include "compiler/emit_lookups.h"

void collect(struct lookups *l, struct expr *e)
{
	if (!e)
		return;
	if (e->kind == E_OBJ || e->kind == E_FIELD) {
		if (l->n == (int)(sizeof(l->e) / sizeof(l->e[0]))) {
			l->overflow = true;
			return;
		}
		e->slot = l->n;
		l->e[l->n++] = e;
		/* The key of the object may itself read stored fields. */
		collect(l, e->kind == E_FIELD ? e->a->a : e->a);
		return;
	}
	collect(l, e->a);
	collect(l, e->b);
	collect(l, e->c);
	for (struct expr *a = e->args; a; a = a->next)
		collect(l, a);
}

struct expr *obj_of(struct expr *e)
{
	return e->kind == E_FIELD ? e->a : e;
}

/* The shared lookup of object expression o (E_OBJ or E_FIELD), added if new; -1: none. */
int shared_slot(struct shared_lookups *sh, const struct expr *e, bool add)
{
	const struct expr *o = obj_of((struct expr *)e);
	char *key;
	int i;

	if (!key_shareable(o->a) || !(key = expr_c(o->a)))
		return -1;
	for (i = 0; i < sh->n; i++)
		if (sh->o[i].type == o->type && !strcmp(sh->o[i].key, key))
			break;
	if (i == sh->n) {
		if (!add || sh->n == DDVC_MAX_LOOKUPS) {
			free(key);
			return -1;
		}
		sh->o[sh->n].type = o->type;
		sh->o[sh->n].key = key;
		sh->o[sh->n].copy = false;
		sh->o[sh->n].done = false;
		sh->n++;
	} else {
		free(key);
	}
	if (e->kind == E_FIELD)
		sh->o[i].copy = true;
	return i;
}

bool is_check_stmt(const struct stmt *s)
{
	return s && (s->kind == S_CHECK || s->kind == S_REQUIRE);
}

/*
 * The checks and requires from *s on whose every lookup can be shared, added
 * to sh; *s becomes the first statement after them. reads counts the lookups
 * they make. False: one cannot be shared (sh is full).
 */
static bool share_checks(struct stmt **sp, struct shared_lookups *sh, int *reads)
{
	struct stmt *s = *sp;

	for (; is_check_stmt(s); s = s->next) {
		struct lookups l = { .n = 0 };
		int i;

		collect(&l, s->cond);
		for (i = 0; i < l.n && !l.overflow; i++)
			if (!key_shareable(obj_of(l.e[i])->a))
				break;
		if (i < l.n || l.overflow)
			break;
		for (i = 0; i < l.n; i++)
			if (shared_slot(sh, l.e[i], true) < 0)
				return false;
		*reads += l.n;
	}
	*sp = s;
	return true;
}

/*
 * The checks and requires from s on whose every lookup can be shared, in sh,
 * and an if after them that tests one object of theirs (sh->if_stmt); *end
 * receives the statement after them (NULL: the end of the list). False: no
 * object is read twice (no run).
 */
bool check_run(struct stmt *s, struct shared_lookups *sh, struct stmt **end)
{
	int reads = 0;

	sh->n = 0;
	sh->if_stmt = NULL;
	sh->body_rest = NULL;
	if (!share_checks(&s, sh, &reads))
		return false;
	/* Nothing between the run and the if changes an object: its test reads the same. */
	if (s && s->kind == S_IF && s->cond && s->cond->kind == E_OBJ &&
	    key_shareable(s->cond->a) && shared_slot(sh, s->cond, false) >= 0) {
		int before = sh->n;
		bool copies[DDVC_MAX_LOOKUPS];
		struct stmt *rest = s->body;

		for (int i = 0; i < before; i++)
			copies[i] = sh->o[i].copy;
		if (share_checks(&rest, sh, &reads)) {
			sh->if_stmt = s;
			sh->body_rest = rest;
			*end = s->next;
			return true;
		}
		/* A body check that could not be shared: the if stays out of the run. */
		for (int i = before; i < sh->n; i++)
			free(sh->o[i].key);
		sh->n = before;
		for (int i = 0; i < before; i++)
			sh->o[i].copy = copies[i];
	}
	*end = s;
	return reads > sh->n;
}

/*
 * A link of a chain of ifs: an if whose condition is, or starts with (a chain
 * of &&), a presence test T[k] of an own store type, which answers -ENOENT
 * inline while T never had an object, so that the condition is false.
 */
struct type_decl *chain_link(const struct stmt *s)
{
	const struct expr *e = s->cond;

	if (s->kind != S_IF || !e)
		return NULL;
	while (e->kind == E_BINARY && e->op == TOK_AND)
		e = e->a;
	if (e->kind != E_OBJ || !e->type || e->type->from || e->type->percpu)
		return NULL;
	return e->type;
}

/*
 * The links of the chain of ifs that s starts (if T[k] {...} else if U[k]
 * {...} else ...: each else one link alone), *last the innermost; 0 when s
 * is no link. While no type of a chain had an object, each test is false:
 * one test of the pack's guard for the chain takes its last else at once
 * (kfree's devm, slab and device_name, three cmpb and branches: one).
 */
int chain_len(const struct stmt *s, const struct stmt **last)
{
	int n = 0;

	while (chain_link(s)) {
		n++;
		*last = s;
		s = s->else_body;
		if (!s || s->next)
			break;
	}
	return n;
}

/* Is there a chain of two links or more under s (emit_wrappers)? */
bool chains_any(const struct stmt *s)
{
	const struct stmt *last;

	for (; s; s = s->next)
		if (chain_len(s, &last) >= 2 || chains_any(s->body) || chains_any(s->else_body))
			return true;
	return false;
}
