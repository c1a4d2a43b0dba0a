/* tree.c: the arena that holds a run's tree, and the node constructors the parser uses. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/ddvc.h"
#include "compiler/parser.h"

/* One run allocates, nothing is freed before the end: an arena keeps that cheap and leak-free. */
struct chunk {
	struct chunk *next;
	size_t used, size;
	max_align_t data[];
};

static struct chunk *chunks;

void *tree_alloc(size_t size)
{
	struct chunk *c = chunks;

	size = (size + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	if (!c || c->size - c->used < size) {
		size_t cap = size > 65536 ? size : 65536;

		c = malloc(sizeof(*c) + cap);
		if (!c) {
			fputs("ddvc: out of memory\n", stderr);
			exit(1);
		}
		c->size = cap;
		c->used = 0;
		c->next = chunks;
		chunks = c;
	}
	void *p = (char *)c->data + c->used;

	c->used += size;
	memset(p, 0, size);
	return p;
}

void tree_free_all(void)
{
	while (chunks) {
		struct chunk *next = chunks->next;

		free(chunks);
		chunks = next;
	}
}

char *tree_strndup(const char *s, size_t n)
{
	char *p = tree_alloc(n + 1);

	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

char *tree_strdup(const char *s)
{
	return tree_strndup(s, strlen(s));
}

char *tree_printf(const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	p = tree_alloc(n + 1);
	va_start(ap, fmt);
	vsnprintf(p, n + 1, fmt, ap);
	va_end(ap);
	return p;
}

static size_t str_hash(const char *s)
{
	size_t h = 14695981039346656037u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211u;
	return h;
}

void *strmap_get(const struct strmap *m, const char *key)
{
	if (!m->cap)
		return NULL;
	for (size_t i = str_hash(key) & (m->cap - 1); m->keys[i]; i = (i + 1) & (m->cap - 1))
		if (!strcmp(m->keys[i], key))
			return m->values[i];
	return NULL;
}

void *strmap_put(struct strmap *m, const char *key, void *value)
{
	size_t i;

	if ((m->n + 1) * 2 > m->cap) {
		struct strmap bigger = { .cap = m->cap ? m->cap * 2 : 64 };

		bigger.keys = tree_alloc(bigger.cap * sizeof(*bigger.keys));
		bigger.values = tree_alloc(bigger.cap * sizeof(*bigger.values));
		for (i = 0; i < m->cap; i++)
			if (m->keys[i])
				strmap_put(&bigger, m->keys[i], m->values[i]);
		*m = bigger;
	}
	for (i = str_hash(key) & (m->cap - 1); m->keys[i]; i = (i + 1) & (m->cap - 1))
		if (!strcmp(m->keys[i], key))
			return m->values[i];
	m->keys[i] = key;
	m->values[i] = value;
	m->n++;
	return NULL;
}

struct spec *spec_new(void)
{
	return tree_alloc(sizeof(struct spec));
}

struct expr *expr_new(enum expr_kind kind, const struct srcpos *pos)
{
	struct expr *e = tree_alloc(sizeof(*e));

	e->kind = kind;
	e->pos = *pos;
	e->depth = 1;
	e->index = -1;
	return e;
}

/*
 * Walkers recurse over expressions: a tree deeper than DDVC_MAX_DEPTH (a
 * generated "a + a + ... + a") is cut to an error node here, so no pass can
 * run out of stack.
 */
static struct expr *limit_depth(struct expr *e)
{
	if (e->depth <= DDVC_MAX_DEPTH)
		return e;
	error_at(&e->pos, PARSE_TOO_DEEP, "expression nested deeper than %d", DDVC_MAX_DEPTH);
	e->kind = E_ERROR;
	e->a = e->b = e->c = e->args = NULL;
	e->depth = 1;
	return e;
}

struct expr *expr_unary(int op, struct expr *a, const struct srcpos *pos)
{
	struct expr *e = expr_new(E_UNARY, pos);

	e->op = op;
	e->a = a;
	e->depth = a->depth + 1;
	return limit_depth(e);
}

struct expr *expr_binary(int op, struct expr *a, struct expr *b, const struct srcpos *pos)
{
	struct expr *e = expr_new(E_BINARY, pos);

	e->op = op;
	e->a = a;
	e->b = b;
	e->depth = (a->depth > b->depth ? a->depth : b->depth) + 1;
	return limit_depth(e);
}

struct stmt *stmt_new(enum stmt_kind kind, const struct srcpos *pos)
{
	struct stmt *s = tree_alloc(sizeof(*s));

	s->kind = kind;
	s->pos = *pos;
	s->index = -1;
	return s;
}

/* Options after a message text: id "pack.rule" and a severity word. */
struct cite *cite_new(const char *text, const struct srcpos *pos)
{
	struct cite *c = tree_alloc(sizeof(*c));

	c->pos = *pos;
	c->text = text;
	return c;
}

struct msg *msg_new(const char *text, const struct srcpos *pos, struct msg_opt *opts)
{
	struct msg *m = tree_alloc(sizeof(*m));

	m->pos = *pos;
	m->text = text;
	m->severity = SEV_ERROR;
	for (struct msg_opt *o = opts; o; o = o->next) {
		if (!strcmp(o->word, "id") && o->value) {
			m->rule_id = o->value;
			m->id_pos = o->pos;
			m->explicit_id = true;
		} else if (!strcmp(o->word, "cite") && o->value) {
			struct cite **pp = &m->cites;

			while (*pp)
				pp = &(*pp)->next;
			*pp = cite_new(o->value, &o->pos);
		} else if (!o->value && !strcmp(o->word, "warning")) {
			m->severity = SEV_WARNING;
		} else if (!o->value && !strcmp(o->word, "note")) {
			m->severity = SEV_NOTE;
		} else if (!o->value && !strcmp(o->word, "error")) {
			m->severity = SEV_ERROR;
		} else if (o->value) {
			error_at(&o->pos, BAD_ATTRIBUTE,
				 "unknown message option '%s' (known: id \"...\", cite \"...\")", o->word);
		} else {
			error_at(&o->pos, BAD_SEVERITY,
				 "unknown severity '%s' (known: error, warning, note)", o->word);
		}
	}
	return m;
}

const char *op_text(int op)
{
	static char one[2];

	switch (op) {
	case TOK_EQ: return "==";
	case TOK_NE: return "!=";
	case TOK_LE: return "<=";
	case TOK_GE: return ">=";
	case TOK_AND: return "&&";
	case TOK_OR: return "||";
	case TOK_SHL: return "<<";
	case TOK_SHR: return ">>";
	case TOK_ARROW: return "->";
	default:
		one[0] = (char)op;
		return one;
	}
}

/* "6.2" or "6.2.7" -> "KERNEL_VERSION(6, 2, 7)"; anything else is not a version. */
const char *version_code(const char *v)
{
	unsigned long part[3] = { 0, 0, 0 };
	int n = 0;
	const char *p = v;

	for (;;) {
		char *end;

		if (*p < '0' || *p > '9' || n == 3)
			return NULL;
		part[n++] = strtoul(p, &end, 10);
		if (part[n - 1] > 255 || end - p > 3)
			return NULL;
		p = end;
		if (!*p)
			break;
		if (*p++ != '.')
			return NULL;
	}
	if (n < 2)
		return NULL;
	return tree_printf("KERNEL_VERSION(%lu, %lu, %lu)", part[0], part[1], part[2]);
}

/* Does the expression (or a message's placeholders) name the parameter? */
bool expr_names(const struct expr *e, const char *name)
{
	if (!e)
		return false;
	if (e->kind == E_NAME && e->ref != REF_STATE && strcmp(e->text, name) == 0)
		return true;
	if (expr_names(e->a, name) || expr_names(e->b, name) || expr_names(e->c, name))
		return true;
	for (const struct expr *a = e->args; a; a = a->next)
		if (expr_names(a, name))
			return true;
	return false;
}

static bool msg_names(const struct msg *m, const char *name)
{
	for (int i = 0; m && i < m->nargs; i++)
		if (strcmp(m->args[i], name) == 0)
			return true;
	return false;
}

bool stmt_names(const struct stmt *s, const char *name)
{
	if (expr_names(s->cond, name) || expr_names(s->obj.key, name) ||
	    expr_names(s->value, name) || expr_names(s->lo, name) || expr_names(s->hi, name) ||
	    expr_names(s->in.key, name) || msg_names(s->msg, name) ||
	    stmts_name(s->body, name) || stmts_name(s->else_body, name))
		return true;
	for (const struct field_init *i = s->inits; i; i = i->next)
		if (expr_names(i->value, name))
			return true;
	return false;
}

bool stmts_name(const struct stmt *s, const char *name)
{
	for (; s; s = s->next)
		if (stmt_names(s, name))
			return true;
	return false;
}

/* A kernel version as one ordered number (6.2.7 -> 0x060207); 0 when absent. */
static unsigned long version_number(const char *v)
{
	unsigned int major = 0, minor = 0, patch = 0;

	if (!v || sscanf(v, "%u.%u.%u", &major, &minor, &patch) < 1)
		return 0;
	return (unsigned long)major << 16 | minor << 8 | patch;
}

/*
 * One symbol may have two prototypes when no kernel has both (kvfree_call_rcu's
 * second argument became a pointer in 6.3): the wrappers share a name but are
 * compiled under exclusive LINUX_VERSION_CODE conditions.
 */
bool versions_disjoint(const struct fnsig *a, const struct fnsig *b)
{
	return (a->before && b->since && version_number(a->before) <= version_number(b->since)) ||
	       (b->before && a->since && version_number(b->before) <= version_number(a->since));
}
