/* guards.c: what an enclosing 'if' proves of the store, so that a rule it makes moot is not emitted. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
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
	g->facts[g->n++] = (struct fact){ .type = obj->type, .key = obj->a, .live = live,
					  .field = -1, .by = by };
}

/* A constant as written: 12, 0x7fffffff, -1 (suffixes allowed). */
static bool literal(const struct expr *e, long long *v)
{
	char *end;

	if (e && e->kind == E_UNARY && e->op == '-' && literal(e->a, v)) {
		*v = -*v;
		return true;
	}
	if (!e || e->kind != E_NUM)
		return false;
	errno = 0;
	*v = strtoll(e->text, &end, 0);
	return !errno && *v < LLONG_MAX / 4 && !end[strspn(end, "uUlL")];
}

/*
 * T[k].f OP N (or N OP T[k].f): where it holds (or not, holds false), a live
 * object's counter lies in an interval.
 */
static void add_range(struct guards *g, const struct stmt *by, const struct expr *e, bool holds)
{
	const struct expr *f = e->a, *n = e->b;
	long long v, lo = LLONG_MIN, hi = LLONG_MAX;
	int op = e->op;

	if (f->kind != E_FIELD) {
		static const int swapped[][2] = { { '<', '>' }, { '>', '<' }, { TOK_LE, TOK_GE },
						  { TOK_GE, TOK_LE }, { TOK_EQ, TOK_EQ } };

		f = e->b;
		n = e->a;
		for (size_t i = 0; i < sizeof(swapped) / sizeof(swapped[0]); i++)
			if (swapped[i][0] == e->op) {
				op = swapped[i][1];
				break;
			}
	}
	if (f->kind != E_FIELD || f->index < 0 || !f->type || !f->type->fields[f->index]->counter ||
	    !literal(n, &v) || reads_store(f->a->a) || g->n == DDVC_MAX_DEPTH)
		return;
	if (!holds)
		op = op == '<' ? TOK_GE : op == '>' ? TOK_LE : op == TOK_LE ? '>' :
		     op == TOK_GE ? '<' : 0;
	switch (op) {
	case '<': hi = v - 1; break;
	case TOK_LE: hi = v; break;
	case '>': lo = v + 1; break;
	case TOK_GE: lo = v; break;
	case TOK_EQ: lo = hi = v; break;
	default: return;
	}
	g->facts[g->n++] = (struct fact){ .type = f->type, .key = f->a->a, .live = true,
					  .field = f->index, .lo = lo, .hi = hi, .by = by };
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
	} else if (e->kind == E_BINARY && e->op != TOK_AND) {
		add_range(g, by, e, holds);
	}
}

/* A foreach visits live objects: inside, T[VAR] is live until a rule changes it. */
void guards_visit(struct guards *g, const struct stmt *s)
{
	struct expr *var = expr_new(E_NAME, &s->name_pos), *obj = expr_new(E_OBJ, &s->obj.pos);

	var->text = s->var;
	obj->type = s->obj.type;
	obj->a = var;
	guards_add(g, s, obj, true);
}

const struct fact *guards_find(const struct guards *g, const struct objref *r, bool live)
{
	for (int i = g->n - 1; i >= 0; i--) {
		const struct fact *f = &g->facts[i];

		if (!f->killed && f->field < 0 && f->type == r->type && f->live == live &&
		    expr_same(f->key, r->key))
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

	if (s->kind == S_ADJUST || s->kind == S_SET_FIELD) {
		for (int i = 0; t && i < g->n; i++)
			if (g->facts[i].type == t && g->facts[i].field >= 0 &&
			    g->facts[i].field == s->index)
				g->facts[i].killed = true;
		return;
	}
	if (s->kind != S_CREATE && s->kind != S_DESTROY && s->kind != S_TRANSFER) {
		for (const struct stmt *b = s->body; b; b = b->next)
			guards_kill(g, b);
		for (const struct stmt *b = s->else_body; b; b = b->next)
			guards_kill(g, b);
		return;
	}
	for (int i = 0; t && i < g->n; i++) {
		struct fact *f = &g->facts[i];

		if (s->kind == S_CREATE ? f->type == t && (!f->live || f->field >= 0) :
		    f->live && (f->type == t || (t->size_field >= 0 && f->type->contained)))
			f->killed = true;
	}
}

static struct field *field_named(struct spec *spec, const char *type, const char *name)
{
	for (struct type_decl *t = spec->types; t; t = t->next)
		if (!strcmp(t->name, type))
			for (int i = 0; i < t->nfields; i++)
				if (!strcmp(t->fields[i]->name, name))
					return t->fields[i];
	return NULL;
}

/* The counter may hold v; unknown (a value that is not a constant) ends its bounds. */
static void bound(struct field *f, bool known, long long v)
{
	if (!f || !f->counter)
		return;
	if (!known) {
		f->max = LLONG_MAX;
		f->min = LLONG_MIN;
		return;
	}
	f->min = v < f->min ? v : f->min;
	f->max = v > f->max ? v : f->max;
}

static void bounds_of(struct spec *spec, const struct stmt *s)
{
	for (; s; s = s->next) {
		long long lo = 0, hi;
		struct field *f;
		bool known;

		switch (s->kind) {
		case S_CREATE:
			for (struct type_decl *t = spec->types; t; t = t->next) {
				if (strcmp(t->name, s->obj.type_name))
					continue;
				for (int i = 0; i < t->nfields; i++) {
					const struct field_init *in = s->inits;

					while (in && strcmp(in->field, t->fields[i]->name))
						in = in->next;
					lo = 0;		/* a field not given starts at 0 */
					known = !in || literal(in->value, &lo);
					bound(t->fields[i], known, lo);
				}
			}
			break;
		case S_ADJUST:
			f = field_named(spec, s->obj.type_name, s->name);
			if (literal(s->lo, &lo) && literal(s->hi, &hi)) {
				bound(f, true, lo);
				bound(f, true, hi);
			} else {
				bound(f, false, 0);
			}
			break;
		case S_SET_FIELD:
			f = field_named(spec, s->obj.type_name, s->name);
			known = literal(s->value, &lo);
			bound(f, known, lo);
			break;
		default:
			bounds_of(spec, s->body);
			bounds_of(spec, s->else_body);
			break;
		}
	}
}

/*
 * An adjust leaves its counter within its bounds or refuses, a create sets it:
 * where every such write of a counter in the pack is a constant, the counter
 * never leaves their range.
 */
void guards_bounds(struct spec *spec)
{
	for (struct type_decl *t = spec->types; t; t = t->next)
		for (int i = 0; i < t->nfields; i++) {
			t->fields[i]->min = LLONG_MAX;
			t->fields[i]->max = LLONG_MIN;
		}
	for (struct contract *c = spec->contracts; c; c = c->next)
		bounds_of(spec, c->body);
	for (struct type_decl *t = spec->types; t; t = t->next)
		for (int i = 0; i < t->nfields; i++) {
			struct field *f = t->fields[i];

			f->bounded = f->counter && f->min != LLONG_MIN && f->max != LLONG_MAX &&
				     f->min <= f->max;
		}
}

const struct fact *guards_adjust(const struct guards *g, const struct stmt *s, long long *lo,
				 long long *hi)
{
	const struct field *fd;
	const struct fact *by = NULL;
	long long d, min, max;

	if (!s->obj.type || s->index < 0 || !literal(s->value, &d) || !literal(s->lo, &min) ||
	    !literal(s->hi, &max))
		return NULL;
	fd = s->obj.type->fields[s->index];
	*lo = fd->bounded ? fd->min : LLONG_MIN / 4;
	*hi = fd->bounded ? fd->max : LLONG_MAX / 4;
	for (int i = g->n - 1; i >= 0; i--) {
		const struct fact *f = &g->facts[i];

		if (f->killed || f->field != s->index || f->type != s->obj.type ||
		    !expr_same(f->key, s->obj.key))
			continue;
		if (f->lo > *lo) {
			*lo = f->lo;
			by = f;
		}
		if (f->hi < *hi) {
			*hi = f->hi;
			by = f;
		}
	}
	if (!by || *lo + d < min || *hi + d > max)
		return NULL;
	*lo += d;
	*hi += d;
	return by;
}
