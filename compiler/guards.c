/* guards.c: what an enclosing 'if' proves of the store, so that a rule it makes moot is not emitted. */
#include <string.h>

#include "compiler/ddvc.h"
#include "compiler/parser.h"

/* Two expressions written alike (the same key, read twice in one call, is the same value). */
static bool expr_same(const struct expr *a, const struct expr *b)
{
	if (!a || !b)
		return a == b;
	if (a->kind != b->kind || a->op != b->op || (a->text == NULL) != (b->text == NULL) ||
	    (a->text && strcmp(a->text, b->text)))
		return false;
	if (!expr_same(a->a, b->a) || !expr_same(a->b, b->b) || !expr_same(a->c, b->c))
		return false;
	for (a = a->args, b = b->args; a && b; a = a->next, b = b->next)
		if (!expr_same(a, b))
			return false;
	return !a && !b;
}

/* Does the expression read the store? Such a key may change under the rules. */
static bool reads_store(const struct expr *e)
{
	if (!e)
		return false;
	if (e->kind == E_OBJ || e->kind == E_FIELD)
		return true;
	for (const struct expr *a = e->args; a; a = a->next)
		if (reads_store(a))
			return true;
	return reads_store(e->a) || reads_store(e->b) || reads_store(e->c);
}

static void add_fact(struct guards *g, const struct stmt *by, const struct expr *obj, bool live)
{
	if (!obj->type || reads_store(obj->a) || g->n == DDVC_MAX_DEPTH)
		return;
	g->facts[g->n++] = (struct fact){ .type = obj->type, .key = obj->a, .live = live, .by = by };
}

/*
 * Where COND holds, each T[k] of a conjunction is live and each !T[k] absent;
 * where it does not (else), only a COND that is T[k] or !T[k] proves anything.
 */
void guards_add(struct guards *g, const struct stmt *by, const struct expr *e, bool holds)
{
	if (e->kind == E_UNARY && e->op == '!' && e->a->kind == E_OBJ) {
		add_fact(g, by, e->a, !holds);
	} else if (e->kind == E_OBJ) {
		add_fact(g, by, e, holds);
	} else if (holds && e->kind == E_BINARY && e->op == TOK_AND) {
		guards_add(g, by, e->a, true);
		guards_add(g, by, e->b, true);
	}
}

const struct fact *guards_find(const struct guards *g, const struct objref *r, bool live)
{
	for (int i = g->n - 1; i >= 0; i--) {
		const struct fact *f = &g->facts[i];

		if (!f->killed && f->type == r->type && f->live == live && expr_same(f->key, r->key))
			return f;
	}
	return NULL;
}

/*
 * A create may make an object of its type live; a destroy or transfer may end
 * one (and, of a type with an extent, the contained objects inside it). Rules
 * in a statement's blocks count, in whichever branch.
 */
void guards_kill(struct guards *g, const struct stmt *s)
{
	const struct type_decl *t = s->obj.type;

	if (s->kind != S_CREATE && s->kind != S_DESTROY && s->kind != S_TRANSFER) {
		for (const struct stmt *b = s->body; b; b = b->next)
			guards_kill(g, b);
		for (const struct stmt *b = s->else_body; b; b = b->next)
			guards_kill(g, b);
		return;
	}
	for (int i = 0; t && i < g->n; i++) {
		struct fact *f = &g->facts[i];

		if (s->kind == S_CREATE ? f->type == t && !f->live :
		    f->live && (f->type == t || (t->size_field >= 0 && f->type->contained)))
			f->killed = true;
	}
}
