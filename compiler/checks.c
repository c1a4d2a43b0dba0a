/* checks.c: the semantic checks, one named entry each; they resolve names and number the tables. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/ddvc.h"
#include "compiler/parser.h"

/* What names mean inside one contract's body. */
struct ctx {
	struct spec *spec;
	struct contract *contract;
	struct type_decl *type;	/* a type's active condition: its key and fields */
	bool after;		/* inside after { }: ret is known */
	const char *before;	/* a clause read before the call: ret is not known there */
	int nvars;
	const char *vars[DDVC_MAX_DEPTH];
	struct type_decl *var_types[DDVC_MAX_DEPTH];
	struct guards guards;	/* what the enclosing ifs prove */
};

static void resolve_expr(struct ctx *c, struct expr *e);
static void no_objects(const struct expr *e, const char *where);

/* The names rules use built in: no parameter or foreach variable may take one. */
static bool builtin_name(const char *name)
{
	return !strcmp(name, "ret") || !strcmp(name, DDVC_CURRENT_TASK) ||
	       !strcmp(name, DDVC_CURRENT_DRIVER);
}

static struct type_decl *find_own_type(struct spec *spec, const char *name)
{
	for (struct type_decl *t = spec->types; t; t = t->next)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

static struct type_decl *find_imported_type(struct spec *spec, const char *name)
{
	for (struct import *i = spec->imports; i; i = i->next)
		for (struct type_decl *t = i->spec ? i->spec->types : NULL; t; t = t->next)
			if (!strcmp(t->name, name))
				return t;
	return NULL;
}

/* The pack's type of that name, or an imported one: its first use gives it a table entry. */
static struct type_decl *find_type(struct spec *spec, const char *name)
{
	struct type_decl *t = find_own_type(spec, name);
	struct type_decl **more;

	if (t || !(t = find_imported_type(spec, name)) || t->import_index >= 0)
		return t;
	more = tree_alloc((spec->nimported + 1) * sizeof(*more));
	if (spec->nimported)
		memcpy(more, spec->imported, spec->nimported * sizeof(*more));
	spec->imported = more;
	t->import_index = spec->nimported;
	spec->imported[spec->nimported++] = t;
	return t;
}

static int find_field(const struct type_decl *t, const char *name)
{
	for (int i = 0; i < t->nfields; i++)
		if (!strcmp(t->fields[i]->name, name))
			return i;
	return -1;
}

static int find_state(const struct type_decl *t, const char *name)
{
	for (int i = 0; i < t->nstates; i++)
		if (!strcmp(t->states[i]->name, name))
			return i;
	return -1;
}

static struct fnsig *find_symbol(struct spec *spec, const char *name)
{
	return strmap_get(&spec->symbols, name);
}

static bool param_of(const struct fnsig *f, const char *name)
{
	for (const struct param *p = f->params; p; p = p->next)
		if (p->name && !strcmp(p->name, name))
			return true;
	return false;
}

/* Kernel constants and macros are written in capitals: GFP_KERNEL, IRQF_SHARED, IS_ERR. */
static bool is_constant_name(const char *s)
{
	bool upper = false;

	if (!strcmp(s, "NULL") || !strcmp(s, "true") || !strcmp(s, "false"))
		return true;
	for (; *s; s++) {
		if (islower((unsigned char)*s))
			return false;
		if (isupper((unsigned char)*s))
			upper = true;
	}
	return upper;
}

static void check_pack(struct spec *spec)
{
	if (!spec->pack) {
		struct srcpos pos = { 1, 1, 1, 1, NULL };

		error_at(spec->contracts ? &spec->contracts->pos : &pos, PACK_MISSING,
			 "no 'pack NAME VERSION;' declaration in any file");
	}
}

static bool valid_leak_name(void *arg, const char *name)
{
	struct type_decl *t = arg;

	return !strcmp(name, "key") || find_field(t, name) >= 0;
}

static bool valid_active_name(void *arg, const char *name)
{
	return !strcmp(name, "block") || valid_leak_name(arg, name);
}

/* The condition's text, for a default message: "timer_pending(key)". */
static const char *expr_text(const struct expr *e)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	const char *text;

	if (!f)
		abort();
	doc_expr(f, e);
	fclose(f);
	text = tree_strdup(buf ? buf : "");
	free(buf);
	return text;
}

/*
 * active EXPR [MESSAGE]: EXPR over the object's key and fields (ddvc writes
 * it as a function ddv.ko calls). A contained type's message is reported by
 * ddv.ko when memory that holds an active object of the type is freed, by any
 * free path: its arguments are the object's key, the freed block and the
 * object's fields, whatever the text names.
 */
static void check_active(struct spec *spec, struct type_decl *t)
{
	struct active_clause *a = t->active;
	struct ctx x = { .spec = spec, .type = t };
	struct msg *m = a->msg;

	resolve_expr(&x, a->cond);
	no_objects(a->cond, "an active condition");
	if (m && !t->contained) {
		error_at(&m->pos, NOT_CONTAINED,
			 "'%s' is not contained: no memory is freed around it, so 'active' takes no message",
			 t->name);
		return;
	}
	if (!t->contained)
		return;
	if (!m) {
		const char *cond = expr_text(a->cond);

		m = a->msg = tree_alloc(sizeof(*m));
		m->pos = a->pos;
		m->severity = SEV_ERROR;
		m->text = tree_printf("memory at {block} freed while the %s {key} inside it is "
				      "active %s%s%s", t->name, cond[0] == '(' ? "" : "(", cond,
				      cond[0] == '(' ? "" : ")");
	}
	if (!m->explicit_id)
		m->rule_id = tree_printf("%s.%s.freed-active", spec->pack ? spec->pack : "", t->name);
	msg_placeholders(m, valid_active_name, t, "the key, the block and the fields");
	m->nargs = 0;
	msg_add_arg(m, "key");
	msg_add_arg(m, "block");
	for (int i = 0; i < t->nfields; i++)
		msg_add_arg(m, t->fields[i]->name);
	msg_add(spec, m);
}

static void check_types(struct spec *spec)
{
	for (struct type_decl *t = spec->types; t; t = t->next) {
		struct type_decl *o = find_own_type(spec, t->name), *imp;

		t->size_field = -1;
		t->index = spec->ntypes++;
		if (o != t)
			error_at(&t->pos, DUP_TYPE, "object type '%s' already declared at %s",
				 t->name, pos_text(&o->pos));
		else if ((imp = find_imported_type(spec, t->name)))
			error_at(&t->pos, DUP_TYPE, "object type '%s' is pack %s's, imported at %s",
				 t->name, imp->from->pack, pos_text(&imp->from->pos));
		for (struct attr *a = t->attrs; a; a = a->next) {
			if (!strcmp(a->name, "contained"))
				t->contained = true;
			else if (!strcmp(a->name, "percpu"))
				t->percpu = true;
			else
				error_at(&a->pos, BAD_ATTRIBUTE,
					 "unknown object attribute '%s' (known: contained, percpu)",
					 a->name);
		}
		for (struct member *m = t->members; m; m = m->next) {
			struct field *f = m->field;

			for (struct state_name *s = m->states; s; s = s->next) {
				int prev = find_state(t, s->name);

				if (prev >= 0) {
					error_at(&s->pos, DUP_STATE, "state '%s' already listed at %s",
						 s->name, pos_text(&t->states[prev]->pos));
					continue;
				}
				if (t->nstates == DDVC_MAX_STATES)
					continue;
				t->states = realloc(t->states, (t->nstates + 1) * sizeof(*t->states));
				if (!t->states)
					abort();
				/* The arena owns the tree, so the array moves there once complete. */
				t->states[t->nstates++] = s;
			}
			if (!f)
				continue;
			if (!strcmp(f->name, "key")) {
				error_at(&f->pos, RESERVED_NAME,
					 "'key' names the object's key; choose another field name");
				continue;
			}
			if (find_field(t, f->name) >= 0) {
				error_at(&f->pos, DUP_FIELD, "field '%s' already declared in '%s'",
					 f->name, t->name);
				continue;
			}
			if (!strcmp(f->ctype, "counter")) {
				f->counter = true;
			} else if ((!strncmp(f->ctype, "struct ", 7) || !strncmp(f->ctype, "union ", 6))
				   && !strchr(f->ctype, '*')) {
				error_at(&f->pos, BAD_FIELD_TYPE,
					 "field '%s' of type '%s' does not fit in 64 bits; store a pointer",
					 f->name, f->ctype);
			}
			if (t->nfields == DDV_MAX_FIELDS) {
				error_at(&f->pos, TOO_MANY_FIELDS, "an object has at most %d fields",
					 DDV_MAX_FIELDS);
				continue;
			}
			if (f->extent) {
				if (t->size_field >= 0)
					error_at(&f->pos, BAD_ATTRIBUTE,
						 "only one field of '%s' can be its extent", t->name);
				else
					t->size_field = t->nfields;
			}
			t->fields[t->nfields++] = f;
		}
		if (t->nstates) {
			struct state_name **copy = tree_alloc(t->nstates * sizeof(*copy));

			memcpy(copy, t->states, t->nstates * sizeof(*copy));
			free(t->states);
			t->states = copy;
		}
		/* A per-CPU set holds keys and where they were made, nothing else. */
		if (t->percpu && (t->contained || t->nfields || t->nstates))
			error_at(&t->pos, PERCPU_TYPE,
				 "'%s' is percpu: a key alone (no fields, states or contained)",
				 t->name);
		if (t->active)
			check_active(spec, t);
		if (t->leak) {
			if (!t->leak->explicit_id)
				t->leak->rule_id = tree_printf("%s.%s.leak", spec->pack ? spec->pack : "",
							       t->name);
			msg_placeholders(t->leak, valid_leak_name, t, "the key and the fields");
			/* The runtime passes the key and every field, whatever the text uses. */
			t->leak->nargs = 0;
			msg_add_arg(t->leak, "key");
			for (int i = 0; i < t->nfields; i++)
				msg_add_arg(t->leak, t->fields[i]->name);
			msg_add(spec, t->leak);
		}
	}
}

/* Files of one pack often include the same header: keep the first. */
static void dedupe_includes(struct spec *spec)
{
	struct strmap seen = { 0 };

	for (struct include **pp = &spec->includes; *pp;) {
		if (strmap_put(&seen, (*pp)->header, *pp))
			*pp = (*pp)->next;
		else
			pp = &(*pp)->next;
	}
}

static void check_predicates(struct spec *spec)
{
	dedupe_includes(spec);
	for (struct predicate *p = spec->predicates; p; p = p->next)
		for (struct predicate *q = spec->predicates; q != p; q = q->next)
			if (!strcmp(p->name, q->name))
				error_at(&p->pos, DUP_PREDICATE, "predicate '%s' already declared at %s",
					 p->name, pos_text(&q->pos));
}

static enum ret_kind classify_ret(const char *t)
{
	static const char *const wide[] = { "unsigned", "u64", "u32", "u16", "u8", "size_t",
					     "dma_addr_t", "phys_addr_t", "resource_size_t", "__u64" };

	if (strchr(t, '*'))
		return RET_PTR;
	if (!strcmp(t, "void"))
		return RET_VOID;
	for (size_t i = 0; i < sizeof(wide) / sizeof(wide[0]); i++)
		if (!strncmp(t, wide[i], strlen(wide[i])))
			return RET_U64;
	return RET_INT;
}

static struct msg *trace_msg(struct spec *spec, struct fnsig *f, bool ret)
{
	struct msg *m = tree_alloc(sizeof(*m));
	char *text = "";

	m->pos = f->pos;
	m->severity = SEV_NOTE;
	m->rule_id = tree_printf("%s.trace.%s.%s", spec->pack ? spec->pack : "", f->symbol,
				 ret ? "ret" : "call");
	if (ret) {
		text = tree_printf("%s returned", f->symbol);
		if (f->ret_kind != RET_VOID) {
			text = tree_printf("%s {ret}", text);
			msg_add_arg(m, "ret");
		}
	} else {
		text = tree_printf("%s(", f->symbol);
		for (struct param *p = f->params; p; p = p->next) {
			if (!p->name || !msg_add_arg(m, p->name))
				continue;
			text = tree_printf("%s%s%s={%s}", text, m->nargs > 1 ? ", " : "", p->name, p->name);
		}
		text = tree_printf("%s)", text);
	}
	m->text = text;
	msg_add(spec, m);
	return m;
}

static void check_version(const char *v, const struct srcpos *pos)
{
	if (v && !version_code(v))
		error_at(pos, BAD_VERSION, "'%s' is not a kernel version (write 6.2 or 6.2.7)", v);
}

/* Objects read by an expression (each costs one store lookup in the generated rule). */
static int count_objects(const struct expr *e, const struct expr **first)
{
	int n = 0;

	if (!e)
		return 0;
	if (e->kind == E_OBJ || e->kind == E_FIELD) {
		if (first && !*first)
			*first = e;
		n = 1;
		e = e->kind == E_FIELD ? e->a : e;
		return n + count_objects(e->a, first);
	}
	n += count_objects(e->a, first) + count_objects(e->b, first) + count_objects(e->c, first);
	for (const struct expr *a = e->args; a; a = a->next)
		n += count_objects(a, first);
	return n;
}

/* Clauses are evaluated outside any rule: no object of the store can be read there. */
static void no_objects(const struct expr *e, const char *where)
{
	const struct expr *first = NULL;

	if (count_objects(e, &first))
		error_at(&first->pos, OBJECT_OUTSIDE_RULE,
			 "%s cannot read stored objects: only rules can", where);
}

static void check_params(struct spec *spec, struct fnsig *f)
{
	struct param *p = f->params;

	/* (void) is the empty list, as in C. */
	if (p && !p->next && !p->name && !strcmp(p->decl, "void")) {
		f->params = NULL;
		return;
	}
	for (; p; p = p->next) {
		/* "...", last by the grammar: the wrapper forwards DDVC_VA_WORDS words of it. */
		if (p->next && !strcmp(p->next->decl, "...")) {
			f->variadic = true;
			p->next = NULL;
		}
		f->nparams++;
		if (!p->name)
			error_at(&p->pos, PARAM_UNNAMED,
				 "parameter '%s' has no name; rules refer to parameters by name", p->decl);
		else if (builtin_name(p->name) || !strncmp(p->name, "ddv_", 4))
			error_at(&p->pos, RESERVED_NAME,
				 "parameter name '%s' is reserved for the generated code", p->name);
		for (struct param *q = f->params; q != p; q = q->next)
			if (p->name && q->name && !strcmp(p->name, q->name))
				error_at(&p->pos, DUP_FIELD, "parameter '%s' appears twice", p->name);
	}
}

static void check_fail_values(struct contract *c)
{
	bool ptr = c->fns->ret_kind == RET_PTR;

	for (struct fail_value *f = c->fails; f; f = f->next) {
		struct expr *e = f->value;

		c->nfails++;
		if (e->kind == E_NAME && !strcmp(e->text, "NULL")) {
			f->kind = FAIL_NULL;
		} else if (e->kind == E_CALL && !strcmp(e->text, "ERR_PTR") && e->args && !e->args->next) {
			f->kind = FAIL_ERR_PTR;
			f->value = e->args;
		} else {
			f->kind = FAIL_INT;
		}
		if (c->fns->ret_kind == RET_VOID) {
			error_at(&f->pos, FAIL_VOID, "'%s' returns void: it cannot report a failure",
				 c->fns->symbol);
			continue;
		}
		if (ptr && f->kind == FAIL_INT)
			error_at(&f->pos, FAIL_KIND,
				 "'%s' returns a pointer: fail with NULL or ERR_PTR(-E...)", c->fns->symbol);
		else if (!ptr && f->kind != FAIL_INT)
			error_at(&f->pos, FAIL_KIND, "'%s' returns '%s', not a pointer",
				 c->fns->symbol, c->fns->ret_type);
	}
}

/*
 * may_sleep [if EXPR]: the wrapper checks the calling context before the call
 * and reports <pack>.<api>.sleep-in-atomic, a rule of ddvc's own with the
 * context's three counts (emit_c.c emit_sleep_check()).
 */
static void check_may_sleep(struct spec *spec, struct ctx *x, struct contract *c,
			    struct clause *cl)
{
	static const char *const context[][2] = {
		{ "preempt_count", "preempt_count()" },
		{ "irqs_disabled", "irqs_disabled()" },
		{ "rcu_preempt_depth", "rcu_preempt_depth()" },
	};
	struct msg *m;

	if (cl->value) {
		resolve_expr(x, cl->value);
		no_objects(cl->value, "a may_sleep condition");
	}
	if (c->may_sleep)
		return;		/* said twice: the first one counts */
	c->may_sleep = true;
	c->sleep_cond = cl->value;
	m = tree_alloc(sizeof(*m));
	m->pos = cl->pos;
	m->severity = SEV_ERROR;
	m->rule_id = tree_printf("%s.%s.sleep-in-atomic", spec->pack ? spec->pack : "", c->api);
	m->text = tree_printf("%s may sleep but is called in atomic context (preempt_count "
			      "{preempt_count}, irqs_disabled {irqs_disabled}, rcu_preempt_depth "
			      "{rcu_preempt_depth})", c->api);
	for (size_t i = 0; i < sizeof(context) / sizeof(context[0]); i++) {
		m->args[m->nargs] = context[i][0];
		m->arg_c[m->nargs++] = context[i][1];
	}
	c->sleep_msg = m;
	msg_add(spec, m);
}

static void check_class(struct ctx *x, struct contract *c, struct clause *cl)
{
	static const struct { const char *name; enum fault_class cls; } classes[] = {
		{ "generic", CLASS_GENERIC }, { "alloc", CLASS_ALLOC },
		{ "trylock", CLASS_TRYLOCK }, { "lock", CLASS_LOCK },
	};
	size_t i;

	for (i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		if (!strcmp(cl->class_name, classes[i].name))
			break;
	if (i == sizeof(classes) / sizeof(classes[0])) {
		error_at(&cl->pos, UNKNOWN_CLASS,
			 "unknown class '%s' (known: generic, alloc, trylock, lock)", cl->class_name);
		return;
	}
	c->fault_class = classes[i].cls;
	for (struct class_arg *a = cl->class_args; a; a = a->next) {
		if (c->fault_class == CLASS_ALLOC && !strcmp(a->name, "size") && a->value) {
			c->alloc_size = a->value;
			resolve_expr(x, a->value);
			no_objects(a->value, "an allocation's size");
		} else if (c->fault_class == CLASS_ALLOC && !strcmp(a->name, "contig") && !a->value) {
			c->contig = true;
		} else {
			error_at(&a->pos, CLASS_ARG, "class %s takes no '%s'%s", cl->class_name, a->name,
				 c->fault_class == CLASS_ALLOC ? " (it takes size = EXPR and contig)" : "");
		}
	}
}

static void check_functions(struct spec *spec)
{
	struct fnsig **tail = &spec->funcs;

	struct strmap apis = { 0 };

	for (struct contract *c = spec->contracts; c; c = c->next) {
		struct contract *o = strmap_put(&apis, c->api, c);

		if (o)
			error_at(&c->pos, DUP_API, "API '%s' already has a contract at %s",
				 c->api, pos_text(&o->pos));
		for (struct fnsig *f = c->fns; f; f = f->next) {
			struct fnsig *o = strmap_put(&spec->symbols, f->symbol, f);

			if (o && (o->contract != c || !versions_disjoint(o, f)))
				error_at(&f->pos, DUP_SYMBOL, "symbol '%s' already has a contract at %s",
					 f->symbol, pos_text(&o->pos));
			f->contract = c;
			f->index = spec->nfuncs++;
			*tail = f;
			tail = &f->next_in_pack;
			f->ret_kind = classify_ret(f->ret_type);
			check_params(spec, f);
			check_version(f->since, &f->since_pos);
			check_version(f->before, &f->before_pos);
		}
	}
	for (struct fnsig *f = spec->funcs; f; f = f->next_in_pack) {
		f->call_msg = trace_msg(spec, f, false)->index;
		f->ret_msg = trace_msg(spec, f, true)->index;
	}
	for (struct contract *c = spec->contracts; c; c = c->next) {
		struct ctx x = { .spec = spec, .contract = c };
		bool class_given = false;

		for (struct clause *cl = c->clauses; cl; cl = cl->next) {
			switch (cl->kind) {
			case CL_MAY_SLEEP:
				check_may_sleep(spec, &x, c, cl);
				break;
			case CL_CITE: {
				struct cite **pp = &c->cites;

				check_cites(cl->cite);
				while (*pp)
					pp = &(*pp)->next;
				*pp = cl->cite;
				break;
			}
			case CL_FAILS:
				c->fails = cl->fails;
				c->fail_cond = cl->value;
				for (struct fail_value *f = c->fails; f; f = f->next) {
					resolve_expr(&x, f->value);
					no_objects(f->value, "a failure value");
				}
				if (cl->value) {
					x.before = "a failure condition";
					resolve_expr(&x, cl->value);
					x.before = NULL;
					no_objects(cl->value, "a failure condition");
				}
				break;
			case CL_CLASS:
				class_given = true;
				check_class(&x, c, cl);
				break;
			case CL_WRITES:
				resolve_expr(&x, cl->target);
				resolve_expr(&x, cl->value);
				no_objects(cl->target, "'writes'");
				no_objects(cl->value, "'writes'");
				/* Only memory the caller handed in: *p or p->field. */
				if (!(cl->target->kind == E_UNARY && cl->target->op == '*') &&
				    !(cl->target->kind == E_MEMBER && cl->target->op == TOK_ARROW))
					error_at(&cl->target->pos, WRITE_TARGET,
						 "'writes' stores through a pointer parameter: write *p = ... or p->f = ...");
				break;
			}
		}
		for (struct clause *cl = c->clauses; cl; cl = cl->next) {
			if (cl->kind != CL_WRITES)
				continue;
			if (!c->fails)
				error_at(&cl->pos, CLASS_NEEDS_FAILS,
					 "'writes' says what an injected failure stores: give 'fails' too");
		}
		check_fail_values(c);
		if (!class_given && c->fails)
			c->fault_class = CLASS_GENERIC;
		if (class_given && !c->fails && c->fault_class != CLASS_LOCK &&
		    c->fault_class != CLASS_NONE) {
			for (struct clause *cl = c->clauses; cl; cl = cl->next)
				if (cl->kind == CL_CLASS)
					error_at(&cl->pos, CLASS_NEEDS_FAILS,
						 "class %s injects failures: say what '%s' returns then with 'fails'",
						 cl->class_name, c->api);
		}
	}
}

static bool var_lookup(struct ctx *c, const char *name)
{
	for (int i = 0; i < c->nvars; i++)
		if (!strcmp(c->vars[i], name))
			return true;
	return false;
}

/* A name used in a rule must be a parameter of every symbol that shares the body. */
static bool param_everywhere(struct ctx *c, const char *name, const struct srcpos *pos, bool report)
{
	bool somewhere = false;

	if (!c->contract)
		return false;
	for (struct fnsig *f = c->contract->fns; f; f = f->next)
		somewhere |= param_of(f, name);
	if (!somewhere)
		return false;
	for (struct fnsig *f = c->contract->fns; f; f = f->next)
		if (!param_of(f, name) && report)
			error_at(pos, PARAM_MISSING, "'%s' is not a parameter of %s, which shares this rule",
				 name, f->symbol);
	return true;
}

static bool resolve_ret(struct ctx *c, const struct srcpos *pos)
{
	if (c->before) {
		error_at(pos, RET_BEFORE_CALL,
			 "%s is read before the call: 'ret' is not known there", c->before);
		return false;
	}
	if (!c->after) {
		error_at(pos, RET_BEFORE_CALL,
			 "'ret' is known only once the function returned: use it inside 'after'");
		return false;
	}
	for (struct fnsig *f = c->contract->fns; f; f = f->next)
		if (f->ret_kind == RET_VOID) {
			error_at(pos, RET_VOID, "'%s' returns void: there is no 'ret'", f->symbol);
			return false;
		}
	return true;
}

/*
 * A percpu type's set is a per-CPU variable of its own pack's module, which
 * the pack does not export: another pack's code cannot reach it.
 */
static void imported_percpu(const struct type_decl *t, const struct srcpos *pos)
{
	if (t && t->from && t->percpu)
		error_at(pos, PERCPU_TYPE, "'%s' is a percpu type of pack %s: its per-CPU set "
			 "is that pack's own and cannot be imported", t->name, t->from->pack);
}

static void resolve_objref(struct ctx *c, struct expr *e)
{
	e->type = find_type(c->spec, e->text);
	if (!e->type)
		error_at(&e->pos, UNKNOWN_TYPE, "unknown object type '%s'", e->text);
	imported_percpu(e->type, &e->pos);
	resolve_expr(c, e->a);
}

/* A state compared with == or != names one of the type's states. */
static void resolve_state_compare(struct ctx *c, struct expr *field, struct expr *other)
{
	if (field->kind != E_FIELD || !field->type || strcmp(field->text, "state") ||
	    other->ref == REF_STATE)
		return;
	if (other->kind != E_NAME) {
		error_at(&other->pos, STATE_COMPARE, "compare '.state' with a state name of '%s'",
			 field->type->name);
		return;
	}
	other->index = find_state(field->type, other->text);
	if (other->index < 0)
		error_at(&other->pos, UNKNOWN_STATE, "'%s' has no state '%s'", field->type->name,
			 other->text);
	else
		other->ref = REF_STATE;
}

/* current_driver and ddv_in_driver() are the calling driver's: in a contract's rules only. */
static void no_call_context(const struct ctx *c, const struct expr *e)
{
	if (c->type)
		error_at(&e->pos, CALL_CONTEXT,
			 "'%s' needs the calling driver: not in an active condition, which ddv.ko "
			 "evaluates outside any call", e->text);
}

static void resolve_expr(struct ctx *c, struct expr *e)
{
	if (!e)
		return;
	switch (e->kind) {
	case E_NUM:
	case E_STR:
	case E_SIZEOF:
	case E_ERROR:
		break;
	case E_NAME:
		if (e->ref == REF_STATE)
			break;
		if (c->type && !strcmp(e->text, "key")) {
			e->ref = REF_KEY;
			e->type = c->type;
		} else if (c->type && (e->index = find_field(c->type, e->text)) >= 0) {
			e->ref = REF_FIELD;
			e->type = c->type;
		} else if (!strcmp(e->text, "ret")) {
			if (resolve_ret(c, &e->pos))
				e->ref = REF_RET;
		} else if (!strcmp(e->text, DDVC_CURRENT_TASK)) {
			e->ref = REF_CURRENT;
		} else if (!strcmp(e->text, DDVC_CURRENT_DRIVER)) {
			e->ref = REF_DRIVER;
			no_call_context(c, e);
		} else if (var_lookup(c, e->text)) {
			e->ref = REF_VAR;
		} else if (param_everywhere(c, e->text, &e->pos, true)) {
			e->ref = REF_PARAM;
		} else if (is_constant_name(e->text)) {
			e->ref = REF_CONST;
		} else {
			error_at(&e->pos, UNKNOWN_NAME,
				 "'%s' is neither a parameter, 'ret', nor a kernel constant", e->text);
		}
		break;
	case E_CALL: {
		bool known = is_constant_name(e->text) || !strcmp(e->text, "ddv_can_sleep") ||
			     !strcmp(e->text, DDVC_CAN_BE_SIGNALLED) ||
			     !strcmp(e->text, "ddv_is_vmalloc") || !strcmp(e->text, "ddv_irq_requested");

		if (!strcmp(e->text, DDVC_IN_DRIVER)) {
			known = true;
			no_call_context(c, e);
			if (!e->args || e->args->next)
				error_at(&e->pos, BUILTIN_ARGS,
					 "'%s' takes one argument, an address", e->text);
		}
		if (!strcmp(e->text, DDVC_CAN_BE_SIGNALLED) && e->args)
			error_at(&e->pos, BUILTIN_ARGS, "'%s' takes no argument: it asks of the "
				 "calling task", e->text);
		if (!strcmp(e->text, DDVC_PAIR_KEY)) {
			known = true;
			if (!e->args || !e->args->next || e->args->next->next)
				error_at(&e->pos, BUILTIN_ARGS, "'%s' takes two arguments, an object's two words",
					 e->text);
		}
		if (!strcmp(e->text, DDVC_KERNEL_CALLER) || !strcmp(e->text, DDVC_SYMBOL_IS)) {
			/* A function's name in quotes, last: ddv_symbol_is takes an address first. */
			bool addr = !strcmp(e->text, DDVC_SYMBOL_IS);
			const struct expr *name = addr && e->args ? e->args->next : e->args;

			known = true;
			if (!name || name->next || name->kind != E_STR)
				error_at(&e->pos, BUILTIN_ARGS, "'%s' takes %s a function's name in quotes",
					 e->text, addr ? "an address and" : "one argument,");
		}

		for (struct predicate *p = c->spec->predicates; p && !known; p = p->next)
			known = !strcmp(p->name, e->text);
		if (!known)
			error_at(&e->pos, UNKNOWN_FUNCTION,
				 "'%s' is not a declared predicate (declare it: predicate %s(...);)",
				 e->text, e->text);
		for (struct expr *a = e->args; a; a = a->next)
			resolve_expr(c, a);
		break;
	}
	case E_OBJ:
		resolve_objref(c, e);
		break;
	case E_FIELD:
		resolve_expr(c, e->a);
		e->type = e->a->type;
		if (!e->type)
			break;
		if (!strcmp(e->text, "state")) {
			e->index = -1;
			if (!e->type->nstates)
				error_at(&e->pos, NO_STATES, "'%s' has no states", e->type->name);
		} else {
			e->index = find_field(e->type, e->text);
			if (e->index < 0)
				error_at(&e->pos, UNKNOWN_FIELD, "'%s' has no field '%s'", e->type->name,
					 e->text);
		}
		break;
	case E_BINARY:
		/* In "T[k].state == S", S is a state of T: resolve the state side first. */
		resolve_expr(c, e->a);
		if (e->op == TOK_EQ || e->op == TOK_NE)
			resolve_state_compare(c, e->a, e->b);
		resolve_expr(c, e->b);
		if (e->op == TOK_EQ || e->op == TOK_NE)
			resolve_state_compare(c, e->b, e->a);
		break;
	case E_UNARY:
	case E_POSTFIX:
	case E_CAST:
	case E_MEMBER:
		resolve_expr(c, e->a);
		break;
	case E_COND:
		resolve_expr(c, e->a);
		resolve_expr(c, e->b);
		resolve_expr(c, e->c);
		break;
	}
}

static bool valid_rule_name(void *arg, const char *name)
{
	struct ctx *c = arg;

	if (!strcmp(name, "ret"))
		return c->after && resolve_ret(c, &c->contract->pos);
	if (!strcmp(name, DDVC_CURRENT_TASK))
		return true;
	return var_lookup(c, name) || param_everywhere(c, name, &c->contract->pos, false);
}

static void check_msg(struct ctx *c, struct msg *m)
{
	if (!m)
		return;
	if (!m->explicit_id)
		m->rule_id = tree_printf("%s.%s.%d", c->spec->pack ? c->spec->pack : "", c->contract->api,
					 ++c->contract->nrules);
	msg_placeholders(m, valid_rule_name, c,
			  "parameters, 'ret' inside after, foreach variables, current_task");
	msg_add(c->spec, m);
}

static struct msg *default_msg(struct stmt *s, const char *text)
{
	struct msg *m = s->msg;

	if (!m) {
		m = tree_alloc(sizeof(*m));
		m->severity = SEV_ERROR;
	}
	if (!m->text) {
		m->pos = s->pos;
		m->text = text;
	}
	return m;
}

static struct type_decl *resolve_stmt_obj(struct ctx *c, struct objref *r)
{
	r->type = find_type(c->spec, r->type_name);
	if (!r->type)
		error_at(&r->pos, UNKNOWN_TYPE, "unknown object type '%s'", r->type_name);
	imported_percpu(r->type, &r->pos);
	resolve_expr(c, r->key);
	return r->type;
}

static void check_stmts(struct ctx *c, struct stmt *s, bool top);

/* The body of an 'if', 'after' or 'foreach', knowing what it proves. */
static void check_branch(struct ctx *c, const struct stmt *by, struct stmt *body, bool holds)
{
	int n = c->guards.n;

	if (by->kind == S_FOREACH)
		guards_visit(&c->guards, by);
	else if (by->cond)
		guards_add(&c->guards, by, by->cond, holds);
	check_stmts(c, body, false);
	c->guards.n = n;
}

/*
 * A create of an object proven absent, a destroy of one proven live, an adjust
 * proven to stay within its bounds, cannot fail: it gets no rule, and a
 * message or id written on it is an error. Returns whether it was proven.
 */
static bool prove(struct ctx *c, struct stmt *s)
{
	static const char *const kind[] = { [S_CREATE] = "a create", [S_DESTROY] = "a destroy",
					    [S_ADJUST] = "an adjust" };
	long long lo, hi;
	const struct fact *f = s->kind == S_ADJUST ? guards_adjust(&c->guards, s, &lo, &hi) :
			       guards_find(&c->guards, &s->obj, s->kind == S_DESTROY);
	const struct msg *m = s->msg;
	const char *what;

	if (!f)
		return false;
	s->proven_by = f->by;
	if (!m) {
		c->contract->nrules++;	/* the rules after it keep their derived ids */
		return true;
	}
	what = tree_printf("%s[%s]", s->obj.type_name, expr_text(s->obj.key));
	what = s->kind == S_ADJUST ? tree_printf("%s.%s ends in %lld..%lld", what, s->name, lo, hi) :
	       tree_printf("%s %s", what, f->live ? "live" : "absent");
	error_at(m->explicit_id && !m->text ? &m->id_pos : &m->pos, CANNOT_FAIL,
		 "%s on %s that cannot fail here: the enclosing '%s' at %d:%d proves %s",
		 m->text ? "a message" : tree_printf("rule id '%s'", m->rule_id), kind[s->kind],
		 f->by->kind == S_AFTER ? "after" : f->by->kind == S_FOREACH ? "foreach" : "if",
		 f->by->pos.first_line,
		 f->by->pos.first_column, what);
	return true;
}

static void check_lookups(const struct stmt *s)
{
	int n = count_objects(s->cond, NULL) + count_objects(s->obj.key, NULL) +
		count_objects(s->value, NULL) + count_objects(s->lo, NULL) + count_objects(s->hi, NULL);

	for (const struct field_init *i = s->inits; i; i = i->next)
		n += count_objects(i->value, NULL);
	if (n > DDVC_MAX_LOOKUPS)
		error_at(&s->pos, TOO_MANY_LOOKUPS, "this rule reads %d objects; at most %d", n,
			 DDVC_MAX_LOOKUPS);
}

/* A per-CPU type's objects are created, destroyed and looked up, nothing else. */
static void percpu_only_exists(struct type_decl *t, const struct srcpos *pos, const char *what)
{
	if (t && t->percpu)
		error_at(pos, PERCPU_TYPE, "'%s' is percpu: %s does not apply (create, destroy "
			 "and 'if %s[k]' do)", t->name, what, t->name);
}

/* A per-CPU set is a stack (nested holds push twice): a create always adds. */
static bool percpu_create(const struct type_decl *t, struct stmt *s)
{
	if (!t || !t->percpu)
		return false;
	if (s->msg || s->inits || s->name)
		error_at(&s->pos, PERCPU_TYPE, "'%s' is percpu: a create always adds its key "
			 "(look it up before), so it takes no else, id or fields", t->name);
	s->msg = NULL;
	return true;
}

static void check_stmt(struct ctx *c, struct stmt *s, bool top)
{
	struct type_decl *t;

	check_lookups(s);

	switch (s->kind) {
	case S_CHECK:
	case S_REQUIRE:
		resolve_expr(c, s->cond);
		check_msg(c, s->msg);
		break;
	case S_CREATE:
		t = resolve_stmt_obj(c, &s->obj);
		for (struct field_init *i = s->inits; i; i = i->next) {
			resolve_expr(c, i->value);
			if (t && (i->index = find_field(t, i->field)) < 0)
				error_at(&i->pos, UNKNOWN_FIELD, "'%s' has no field '%s'", t->name, i->field);
		}
		if (t && s->name) {
			if (!t->nstates)
				error_at(&s->name_pos, NO_STATES, "'%s' has no states", t->name);
			else if ((s->index = find_state(t, s->name)) < 0)
				error_at(&s->name_pos, UNKNOWN_STATE, "'%s' has no state '%s'", t->name,
					 s->name);
		}
		if (percpu_create(t, s) || prove(c, s))
			break;
		if (!s->msg || !s->msg->text)
			s->msg = default_msg(s, tree_printf("%s created again while still live",
							    s->obj.type_name));
		check_msg(c, s->msg);
		break;
	case S_DESTROY:
		resolve_stmt_obj(c, &s->obj);
		if (prove(c, s))
			break;
		if (!s->msg || !s->msg->text)
			s->msg = default_msg(s, tree_printf("%s released but not live (never created, or released twice)",
							    s->obj.type_name));
		check_msg(c, s->msg);
		break;
	case S_SET_STATE:
		t = resolve_stmt_obj(c, &s->obj);
		percpu_only_exists(t, &s->pos, "a state change");
		if (t && !t->nstates)
			error_at(&s->name_pos, NO_STATES, "'%s' has no states", t->name);
		else if (t && (s->index = find_state(t, s->name)) < 0)
			error_at(&s->name_pos, UNKNOWN_STATE, "'%s' has no state '%s'", t->name, s->name);
		break;
	case S_SET_FIELD:
	case S_ADJUST:
		t = resolve_stmt_obj(c, &s->obj);
		percpu_only_exists(t, &s->pos, "a field write");
		resolve_expr(c, s->value);
		resolve_expr(c, s->lo);
		resolve_expr(c, s->hi);
		if (t && (s->index = find_field(t, s->name)) < 0)
			error_at(&s->name_pos, UNKNOWN_FIELD, "'%s' has no field '%s'", t->name, s->name);
		else if (t && s->kind == S_ADJUST && !t->fields[s->index]->counter)
			error_at(&s->name_pos, NOT_COUNTER,
				 "'%s.%s' is not a counter: declare it '%s : counter;'", t->name, s->name,
				 s->name);
		if (s->kind == S_ADJUST) {
			if (prove(c, s))
				break;
			if (!s->msg || !s->msg->text)
				s->msg = default_msg(s, tree_printf("%s.%s leaves its bounds",
								    s->obj.type_name, s->name));
			check_msg(c, s->msg);
		}
		break;
	case S_TRANSFER:
		percpu_only_exists(resolve_stmt_obj(c, &s->obj), &s->pos, "transfer");
		break;
	case S_MANAGED:
		percpu_only_exists(resolve_stmt_obj(c, &s->obj), &s->pos, "managed");
		resolve_expr(c, s->value);
		break;
	case S_AFTER:
		if (!top || c->after) {
			error_at(&s->pos, AFTER_NESTED,
				 "'after' stands at the top of a contract's body, not inside another rule");
		}
		c->after = true;
		resolve_expr(c, s->cond);
		check_branch(c, s, s->body, true);
		c->after = false;
		break;
	case S_IF:
		resolve_expr(c, s->cond);
		check_branch(c, s, s->body, true);
		check_branch(c, s, s->else_body, false);
		break;
	case S_IF_KERNEL:
		check_version(s->version, &s->name_pos);
		/* A version test is decided at compile time: it does not hide an after. */
		check_stmts(c, s->body, top);
		check_stmts(c, s->else_body, top);
		break;
	case S_FOREACH:
		t = resolve_stmt_obj(c, &s->obj);
		if (t && !t->contained)
			error_at(&s->obj.pos, NOT_CONTAINED,
				 "'%s' is not declared 'contained': the store does not index it by address",
				 t->name);
		t = resolve_stmt_obj(c, &s->in);
		no_objects(s->in.key, "the key of a foreach container");
		if (t && t->size_field < 0)
			error_at(&s->in.pos, NO_EXTENT,
				 "'%s' has no extent field: mark its size field 'extent'", t->name);
		if (builtin_name(s->var))
			error_at(&s->name_pos, RESERVED_NAME,
				 "'%s' is a built-in name; choose another foreach variable", s->var);
		if (c->nvars == DDVC_MAX_DEPTH)
			break;
		c->vars[c->nvars] = s->var;
		c->var_types[c->nvars++] = s->obj.type;
		check_branch(c, s, s->body, true);
		c->nvars--;
		break;
	}
}

static void check_stmts(struct ctx *c, struct stmt *s, bool top)
{
	for (; s; s = s->next) {
		check_stmt(c, s, top);
		guards_kill(&c->guards, s);
	}
}

static void check_rules(struct spec *spec)
{
	guards_bounds(spec);
	for (struct contract *c = spec->contracts; c; c = c->next) {
		struct ctx x = { .spec = spec, .contract = c };

		check_stmts(&x, c->body, true);
	}
}

static void check_scopes(struct spec *spec)
{
	for (struct scope *s = spec->scopes; s; s = s->next) {
		for (struct scope *o = spec->scopes; o != s; o = o->next)
			if (!strcmp(o->name, s->name))
				error_at(&s->pos, DUP_SCOPE, "scope '%s' already declared at %s", s->name,
					 pos_text(&o->pos));
		for (struct scope_item *i = s->items; i; i = i->next) {
			if (!strcmp(i->word, "begin") || !strcmp(i->word, "end")) {
				struct fnsig *f = find_symbol(spec, i->value);

				if (!f)
					error_at(&i->value_pos, UNKNOWN_SYMBOL,
						 "'%s' is not a symbol with a contract", i->value);
				else if (i->word[0] == 'b')
					s->begin = f;
				else
					s->end = f;
			} else if (!strcmp(i->word, "count")) {
				s->type = find_own_type(spec, i->value);
				if (!s->type && find_imported_type(spec, i->value))
					error_at(&i->value_pos, IMPORT_SCOPE,
						 "a scope counts the pack's own types: '%s' is pack %s's",
						 i->value, find_imported_type(spec, i->value)->from->pack);
				else if (!s->type)
					error_at(&i->value_pos, UNKNOWN_TYPE, "unknown object type '%s'",
						 i->value);
			} else {
				error_at(&i->pos, UNKNOWN_SCOPE_ITEM,
					 "unknown scope item '%s' (known: begin, end, count)", i->word);
			}
		}
		if (!(s->begin && s->end && s->type)) {
			bool named[3] = { false, false, false };

			for (struct scope_item *i = s->items; i; i = i->next) {
				named[0] |= !strcmp(i->word, "begin");
				named[1] |= !strcmp(i->word, "end");
				named[2] |= !strcmp(i->word, "count");
			}
			if (!named[0] || !named[1] || !named[2])
				error_at(&s->pos, SCOPE_INCOMPLETE,
					 "scope '%s' needs 'begin SYMBOL;', 'end SYMBOL;' and 'count TYPE;'",
					 s->name);
		}
		if (!s->msg->explicit_id)
			s->msg->rule_id = tree_printf("%s.scope.%s", spec->pack ? spec->pack : "", s->name);
		if (s->type) {
			msg_placeholders(s->msg, valid_leak_name, s->type,
					  "the key and the fields of the counted type");
			/*
			 * Each object named at the scope's end comes with its key and
			 * every field, as a leak does, when the text names any.
			 */
			if (s->msg->nargs) {
				s->msg->nargs = 0;
				msg_add_arg(s->msg, "key");
				for (int i = 0; i < s->type->nfields; i++)
					msg_add_arg(s->msg, s->type->fields[i]->name);
			}
		}
		msg_add(spec, s->msg);
	}
}

const struct check checks[] = {
	{ "pack", "one pack name and version across all files", check_pack },
	{ "types", "object types: fields, states, attributes, leak messages", check_types },
	{ "predicates", "kernel predicates declared once (and headers included once)", check_predicates },
	{ "functions", "symbols, prototypes, failure values, injection classes", check_functions },
	{ "rules", "names in rules, object operations, messages", check_rules },
	{ "scopes", "leak scopes between two calls", check_scopes },
	{ "rule-ids", "rule ids well formed and unique", check_rule_ids },
};
const size_t nchecks = sizeof(checks) / sizeof(checks[0]);

void check_spec(struct spec *spec)
{
	for (size_t i = 0; i < nchecks; i++)
		checks[i].run(spec);
}
