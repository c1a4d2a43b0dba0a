/* emit_c.c: writes the pack's kernel C (wrappers, descriptor tables, module init) and its Kbuild. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "compiler/ddvc.h"
#include "compiler/parser.h"

/* The lookups one statement needs, numbered in the order the expression walk meets them. */
struct lookups {
	struct expr *e[DDVC_MAX_LOOKUPS];
	int n;
	bool overflow;
};

static const char *pack_var(const struct spec *spec)
{
	return mangle("ddv_pack_", spec->pack);
}

static void collect(struct lookups *l, struct expr *e)
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

static struct expr *obj_of(struct expr *e)
{
	return e->kind == E_FIELD ? e->a : e;
}

/*
 *	struct ddv_obj ddv_o0 = { 0 };
 *	int ddv_f0;
 *
 * Only a lookup whose fields are read gets a copy of the object (zeroed, so
 * that a field of an absent object reads 0); one that only asks whether the
 * object is live copies nothing.
 */
static void emit_lookup_decls(struct writer *w, const struct lookups *l)
{
	for (int i = 0; i < l->n; i++)
		if (l->e[i]->kind == E_FIELD)
			w_line(w, "struct ddv_obj ddv_o%d = { 0 };", i);
	if (l->n) {
		w_printf(w, "int ");
		for (int i = 0; i < l->n; i++)
			w_printf(w, "%sddv_f%d", i ? ", " : "", i);
		w_printf(w, ";\n");
	}
}

static void emit_key(struct writer *w, const struct expr *key)
{
	w_printf(w, "(u64)(unsigned long)(");
	emit_expr(w, key);
	w_printf(w, ")");
}

/*
 * Where a rare event on the inline path goes (abi.h DDV_RARE): ddv_restart
 * in the rules before the original call, ddv_resume in those after it.
 */
static const char *rare_label;

/* After "if (COND)\n": "\tgoto ddv_restart;" */
static void emit_goto_rare(struct writer *w)
{
	w->indent++;
	w_line(w, "goto %s;", rare_label);
	w->indent--;
}

/*	if (DDV_RARE(ddv_call, ddv_rc))
 *		goto ddv_restart;
 */
static void emit_rare(struct writer *w, const char *rc)
{
	w_line(w, "if (DDV_RARE(ddv_call, %s))", rc);
	emit_goto_rare(w);
}

/* Lookups run in reverse so that a key reading a field finds its object already read. */
static void emit_lookups(struct writer *w, const struct lookups *l)
{
	for (int i = l->n - 1; i >= 0; i--) {
		struct expr *o = obj_of(l->e[i]);

		w_printf(w, "ddv_f%d = ddv_obj_lookup(ddv_call, %d, ", i, o->type->index);
		emit_key(w, o->a);
		if (l->e[i]->kind == E_FIELD)
			w_printf(w, ", &ddv_o%d);\n", i);
		else
			w_printf(w, ", NULL);\n");
		emit_rare(w, tree_printf("ddv_f%d", i));
	}
}

/* C for an expression; every compound is parenthesized so the text needs no precedence. */
void emit_expr(struct writer *w, const struct expr *e)
{
	switch (e->kind) {
	case E_NUM:
		w_printf(w, "%s", e->text);
		break;
	case E_STR:
		w_cstring(w, e->text);
		break;
	case E_NAME:
		if (e->ref == REF_STATE)
			w_printf(w, "%d", e->index);
		else
			w_printf(w, "%s", e->text);
		break;
	case E_CALL:
		w_printf(w, "%s(", e->text);
		for (struct expr *a = e->args; a; a = a->next) {
			emit_expr(w, a);
			if (a->next)
				w_printf(w, ", ");
		}
		w_printf(w, ")");
		break;
	case E_UNARY:
		w_printf(w, "%s(", op_text(e->op));
		emit_expr(w, e->a);
		w_printf(w, ")");
		break;
	case E_POSTFIX:
		emit_expr(w, e->a);
		w_printf(w, "%s", op_text(e->op));
		break;
	case E_BINARY:
		w_printf(w, "(");
		emit_expr(w, e->a);
		w_printf(w, " %s ", op_text(e->op));
		emit_expr(w, e->b);
		w_printf(w, ")");
		break;
	case E_COND:
		w_printf(w, "(");
		emit_expr(w, e->a);
		w_printf(w, " ? ");
		emit_expr(w, e->b);
		w_printf(w, " : ");
		emit_expr(w, e->c);
		w_printf(w, ")");
		break;
	case E_CAST:
		w_printf(w, "((%s)(", e->text);
		emit_expr(w, e->a);
		w_printf(w, "))");
		break;
	case E_MEMBER:
		w_printf(w, "(");
		emit_expr(w, e->a);
		w_printf(w, ")%s%s", e->op == TOK_ARROW ? "->" : ".", e->text);
		break;
	case E_SIZEOF:
		w_printf(w, "sizeof(%s)", e->text);
		break;
	case E_OBJ:
		w_printf(w, "(ddv_f%d == 0)", e->slot);
		break;
	case E_FIELD:
		if (e->index < 0)
			w_printf(w, "ddv_o%d.state", e->slot);
		else if (e->type->fields[e->index]->counter)
			w_printf(w, "((s64)ddv_o%d.fields[%d])", e->slot, e->index);
		else
			w_printf(w, "((%s)(unsigned long)ddv_o%d.fields[%d])",
				 e->type->fields[e->index]->ctype, e->slot, e->index);
		break;
	case E_ERROR:
		w_printf(w, "0");
		break;
	}
}

/* A condition stands in its own parentheses already: no second pair around a comparison. */
static void emit_cond(struct writer *w, const struct expr *e)
{
	if (e->kind != E_BINARY) {
		emit_expr(w, e);
		return;
	}
	emit_expr(w, e->a);
	w_printf(w, " %s ", op_text(e->op));
	emit_expr(w, e->b);
}

/*	ddv_violation(ddv_call, 3, 1, (u64)(unsigned long)(objp)); */
static void emit_violation(struct writer *w, const struct msg *m)
{
	w_printf(w, "ddv_violation(ddv_call, %d, %d", m->index, m->nargs);
	for (int i = 0; i < m->nargs; i++)
		w_printf(w, ", (u64)(unsigned long)(%s)", m->args[i]);
	w_printf(w, ");\n");
}

/*
 * After "if (COND)": a rule fired. On the inline path that is a rare event
 * (the rare path reports it); elsewhere the report.
 *	if (COND) {
 *		if (ddv_call->bail)
 *			goto ddv_restart;
 *		ddv_violation(...);
 *	}
 */
static void emit_then_report(struct writer *w, const struct msg *m)
{
	w_printf(w, " {\n");
	w->indent++;
	w_line(w, "if (ddv_call->bail)");
	emit_goto_rare(w);
	emit_violation(w, m);
	w_close(w, "");
}

/* A change to an object: from here on the call cannot restart (or resume) afresh. */
static void emit_no_bail(struct writer *w)
{
	w_line(w, "ddv_call->bail = 0;");
}

static void emit_comment_pos(struct writer *w, const struct srcpos *pos, const char *what)
{
	w_line(w, "/* %s: %s */", pos_text(pos), what);
}

static void emit_stmts(struct writer *w, struct spec *spec, struct stmt *s, int depth);

/* #if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0) */
static void emit_version_if(struct writer *w, int op, const char *version)
{
	fprintf(w->out, "#if LINUX_VERSION_CODE %s %s\n", op == TOK_GE ? ">=" : "<",
		version_code(version));
}

/*
 * check: if (ddv_f0 == 0 && !(cond)) report;  -- a check on an absent object does not apply
 * require: if (ddv_f0 || !(cond)) report;     -- a require on an absent object fails
 */
static void emit_check(struct writer *w, struct stmt *s, const struct lookups *l)
{
	bool require = s->kind == S_REQUIRE;

	w_printf(w, "if (");
	for (int i = 0; i < l->n; i++)
		if (l->e[i]->kind == E_FIELD)
			w_printf(w, require ? "ddv_f%d || " : "ddv_f%d == 0 && ", i);
	w_printf(w, "!(");
	emit_cond(w, s->cond);
	w_printf(w, "))");
	emit_then_report(w, s->msg);
}

static void emit_create(struct writer *w, struct stmt *s)
{
	w_printf(w, "u64 ddv_fv[DDV_MAX_FIELDS] = { ");
	if (!s->inits)
		w_printf(w, "0");
	for (struct field_init *i = s->inits; i; i = i->next) {
		w_printf(w, "[%d] = (u64)(unsigned long)(", i->index);
		emit_expr(w, i->value);
		w_printf(w, ")%s", i->next ? ", " : "");
	}
	w_printf(w, " };\n");
	w_line(w, "int ddv_rc;");
	w_blank(w);
	w_printf(w, "ddv_rc = ddv_obj_create(ddv_call, %d, ", s->obj.type->index);
	emit_key(w, s->obj.key);
	w_printf(w, ", %d, ddv_fv, NULL, %d, %d);\n", s->index < 0 ? 0 : s->index,
		 s->obj.type->size_field, s->obj.type->nfields);
	emit_rare(w, "ddv_rc");
	w_printf(w, "if (ddv_rc == -EEXIST)");
	emit_then_report(w, s->msg);
	emit_no_bail(w);
}

static void emit_foreach(struct writer *w, struct spec *spec, struct stmt *s, int depth)
{
	struct type_decl *in = s->in.type, *t = s->obj.type;

	/* Exempt from the kernel's zeroing of locals: read only after a lookup fills them. */
	w_line(w, "struct ddv_obj ddv_in%d DDV_NOINIT, ddv_it%d DDV_NOINIT;", depth, depth);
	w_line(w, "u64 ddv_lo%d, ddv_hi%d;", depth, depth);
	w_line(w, "int ddv_rc%d;", depth);
	w_blank(w);
	/* Nothing of t live anywhere (the usual case): no need to read the block. */
	w_open(w, "if (ddv_obj_any_inside(ddv_call, %d))", t->index);
	w_printf(w, "ddv_rc%d = ddv_obj_lookup(ddv_call, %d, ", depth, in->index);
	emit_key(w, s->in.key);
	w_printf(w, ", &ddv_in%d);\n", depth);
	emit_rare(w, tree_printf("ddv_rc%d", depth));
	w_open(w, "if (!ddv_rc%d)", depth);
	w_line(w, "ddv_lo%d = ddv_in%d.key;", depth, depth);
	w_line(w, "ddv_hi%d = ddv_lo%d + ddv_in%d.fields[%d];", depth, depth, depth, in->size_field);
	w_printf(w, "while (ddv_lo%d < ddv_hi%d &&\n", depth, depth);
	w_open(w, "       !ddv_obj_find_inside(ddv_call, %d, ddv_lo%d, ddv_hi%d, &ddv_it%d))",
	       t->index, depth, depth, depth);
	w_line(w, "%s%s%s = (%s)(unsigned long)ddv_it%d.key;", t->key_type,
	       t->key_type[strlen(t->key_type) - 1] == '*' ? "" : " ", s->var, t->key_type, depth);
	w_blank(w);
	w_line(w, "ddv_lo%d = ddv_it%d.key + 1;", depth, depth);
	emit_stmts(w, spec, s->body, depth + 1);
	w_close(w, "");
	w_close(w, "");
	w_close(w, "");
}

static void emit_stmt(struct writer *w, struct spec *spec, struct stmt *s, int depth)
{
	struct lookups l = { .n = 0 };

	switch (s->kind) {
	case S_CHECK:
	case S_REQUIRE:
		collect(&l, s->cond);
		emit_comment_pos(w, &s->pos, s->kind == S_CHECK ? "check" : "require");
		if (l.n) {
			w_block(w);
			emit_lookup_decls(w, &l);
			w_blank(w);
			emit_lookups(w, &l);
		}
		emit_check(w, s, &l);
		if (l.n)
			w_close(w, "");
		break;
	case S_CREATE:
	case S_DESTROY:
	case S_SET_STATE:
	case S_SET_FIELD:
	case S_ADJUST:
	case S_TRANSFER:
		collect(&l, s->obj.key);
		collect(&l, s->value);
		collect(&l, s->lo);
		collect(&l, s->hi);
		for (struct field_init *i = s->inits; i; i = i->next)
			collect(&l, i->value);
		emit_comment_pos(w, &s->pos, s->kind == S_TRANSFER ?
				 tree_printf("transfer: %s", s->why) : "object operation");
		w_block(w);
		emit_lookup_decls(w, &l);
		if (s->kind == S_ADJUST)
			w_line(w, "s64 ddv_result;");
		if (s->kind == S_DESTROY || s->kind == S_ADJUST)
			w_line(w, "int ddv_rc;");
		if (s->kind == S_CREATE) {
			emit_create(w, s);
			w_close(w, "");
			break;
		}
		if (l.n || s->kind == S_ADJUST || s->kind == S_DESTROY)
			w_blank(w);
		emit_lookups(w, &l);
		if (s->kind == S_DESTROY) {
			w_printf(w, "ddv_rc = ddv_obj_destroy(ddv_call, %d, ", s->obj.type->index);
			emit_key(w, s->obj.key);
			w_printf(w, ", NULL, %d);\n", s->obj.type->size_field);
			emit_rare(w, "ddv_rc");
			w_printf(w, "if (ddv_rc == -ENOENT)");
			emit_then_report(w, s->msg);
		} else if (s->kind == S_SET_STATE) {
			w_printf(w, "if (DDV_RARE(ddv_call, ddv_obj_set_state(ddv_call, %d, ",
				 s->obj.type->index);
			emit_key(w, s->obj.key);
			w_printf(w, ", %d)))\n", s->index);
			emit_goto_rare(w);
		} else if (s->kind == S_SET_FIELD) {
			w_printf(w, "if (DDV_RARE(ddv_call, ddv_obj_set_field(ddv_call, %d, ",
				 s->obj.type->index);
			emit_key(w, s->obj.key);
			w_printf(w, ", %d, (u64)(unsigned long)(", s->index);
			emit_expr(w, s->value);
			w_printf(w, "))))\n");
			emit_goto_rare(w);
		} else if (s->kind == S_ADJUST) {
			w_printf(w, "ddv_rc = ddv_obj_adjust(ddv_call, %d, ", s->obj.type->index);
			emit_key(w, s->obj.key);
			w_printf(w, ", %d, ", s->index);
			emit_expr(w, s->value);
			w_printf(w, ", ");
			emit_expr(w, s->lo);
			w_printf(w, ", ");
			emit_expr(w, s->hi);
			w_printf(w, ", &ddv_result);\n");
			emit_rare(w, "ddv_rc");
			w_printf(w, "if (ddv_rc == -ERANGE)");
			emit_then_report(w, s->msg);
		} else {
			/*
			 * The kernel releases the object where no wrapper sees it
			 * (devres, RCU, the network stack): a record kept past
			 * that would turn the next object at the same address
			 * into a false "created again". So the record goes now.
			 */
			w_printf(w, "if (DDV_RARE(ddv_call, ddv_obj_destroy(ddv_call, %d, ",
				 s->obj.type->index);
			emit_key(w, s->obj.key);
			w_printf(w, ", NULL, %d)))\n", s->obj.type->size_field);
			emit_goto_rare(w);
		}
		emit_no_bail(w);
		w_close(w, "");
		break;
	case S_AFTER:
	case S_IF:
		if (!s->cond) {
			emit_comment_pos(w, &s->pos, "after");
			w_block(w);
			emit_stmts(w, spec, s->body, depth);
			w_close(w, "");
			break;
		}
		collect(&l, s->cond);
		emit_comment_pos(w, &s->pos, s->kind == S_AFTER ? "after" : "if");
		if (l.n) {
			w_block(w);
			emit_lookup_decls(w, &l);
			w_blank(w);
			emit_lookups(w, &l);
		}
		w_printf(w, "if (");
		emit_cond(w, s->cond);
		w_open(w, ")");
		emit_stmts(w, spec, s->body, depth);
		if (s->else_body) {
			w_close(w, " else {");
			w->indent++;
			emit_stmts(w, spec, s->else_body, depth);
		}
		w_close(w, "");
		if (l.n)
			w_close(w, "");
		break;
	case S_IF_KERNEL:
		emit_version_if(w, s->kernel_op, s->version);
		emit_stmts(w, spec, s->body, depth);
		if (s->else_body) {
			fprintf(w->out, "#else\n");
			emit_stmts(w, spec, s->else_body, depth);
		}
		fprintf(w->out, "#endif\n");
		break;
	case S_FOREACH:
		emit_comment_pos(w, &s->pos, "foreach");
		w_block(w);
		emit_foreach(w, spec, s, depth);
		w_close(w, "");
		break;
	}
}

static void emit_stmts(struct writer *w, struct spec *spec, struct stmt *s, int depth)
{
	for (; s; s = s->next)
		emit_stmt(w, spec, s, depth);
}

static bool phase_has(const struct stmt *s, bool after)
{
	for (; s; s = s->next)
		if (s->kind == S_IF_KERNEL ? phase_has(s->body, after) || phase_has(s->else_body, after) :
		    (s->kind == S_AFTER) == after)
			return true;
	return false;
}

/* Top-level statements split into before and after the call; a kernel test keeps its side. */
static void emit_phase_stmts(struct writer *w, struct spec *spec, struct stmt *s, bool after)
{
	for (; s; s = s->next) {
		if (s->kind == S_IF_KERNEL) {
			if (!phase_has(s->body, after) && !phase_has(s->else_body, after))
				continue;
			emit_version_if(w, s->kernel_op, s->version);
			emit_phase_stmts(w, spec, s->body, after);
			if (s->else_body) {
				fprintf(w->out, "#else\n");
				emit_phase_stmts(w, spec, s->else_body, after);
			}
			fprintf(w->out, "#endif\n");
		} else if ((s->kind == S_AFTER) == after) {
			emit_stmt(w, spec, s, 0);
		}
	}
}

static void emit_phase(struct writer *w, struct spec *spec, struct stmt *s, bool after)
{
	rare_label = after ? "ddv_resume" : "ddv_restart";
	emit_phase_stmts(w, spec, s, after);
	rare_label = NULL;
}

/* Does the expression (or a message's placeholders) name the parameter? */
static bool expr_names(const struct expr *e, const char *name)
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

static bool stmts_name(const struct stmt *s, const char *name);

static bool stmt_names(const struct stmt *s, const char *name)
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

static bool stmts_name(const struct stmt *s, const char *name)
{
	for (; s; s = s->next)
		if (stmt_names(s, name))
			return true;
	return false;
}

/* A parameter that the rules after the call read (the resumed call needs it). */
static bool after_uses(const struct stmt *s, const char *name)
{
	for (; s; s = s->next)
		if (s->kind == S_IF_KERNEL ? after_uses(s->body, name) || after_uses(s->else_body, name) :
		    s->kind == S_AFTER && stmt_names(s, name))
			return true;
	return false;
}

static const char *ret_decl(const struct fnsig *f, const char *name)
{
	const char *t = f->ret_type;

	return tree_printf("%s%s%s", t, t[strlen(t) - 1] == '*' ? "" : " ", name);
}

static void emit_call_original(struct writer *w, const struct fnsig *f, bool assign)
{
	if (assign && f->ret_kind != RET_VOID)
		w_printf(w, "ret = ");
	w_printf(w, "%s(", f->symbol);
	for (struct param *p = f->params; p; p = p->next)
		w_printf(w, "%s%s", p->name, p->next ? ", " : "");
	w_printf(w, ");\n");
}

static const char *param_list(const struct fnsig *f)
{
	const char *s = "";

	if (!f->params)
		return "void";
	for (struct param *p = f->params; p; p = p->next)
		s = tree_printf("%s%s%s", s, p->decl, p->next ? ", " : "");
	return s;
}

static void emit_fail_value(struct writer *w, const struct fail_value *f)
{
	switch (f->kind) {
	case FAIL_NULL:
		w_printf(w, "NULL");
		break;
	case FAIL_ERR_PTR:
		w_printf(w, "ERR_PTR(");
		emit_expr(w, f->value);
		w_printf(w, ")");
		break;
	case FAIL_INT:
		emit_expr(w, f->value);
		break;
	}
}

/*
 * A leak scope's begin or end: ddv.ko acts at its entry and exit, so its
 * wrapper always takes the full entry (__ddv_call_enter), never the inline one.
 */
static bool scope_boundary(const struct spec *spec, const struct fnsig *f)
{
	for (const struct scope *s = spec->scopes; s; s = s->next)
		if (s->begin == f || s->end == f)
			return true;
	return false;
}

/*
 * ", size, flags", or with decls ", size_t size, gfp_t flags": the parameters
 * (with after, only those the rules after the call read).
 */
static const char *arg_list(const struct fnsig *f, bool after, bool decls)
{
	const char *s = "";

	for (struct param *p = f->params; p; p = p->next)
		if (!after || after_uses(f->contract->body, p->name))
			s = tree_printf("%s, %s", s, decls ? p->decl : p->name);
	return s;
}

#define arg_names(f, after) arg_list(f, after, false)
#define arg_decls(f, after) arg_list(f, after, true)

/* "return X;", or for a void function "X;\n return;" */
static void emit_return(struct writer *w, const struct fnsig *f, const char *what)
{
	if (f->ret_kind == RET_VOID) {
		w_line(w, "%s;", what);
		w_line(w, "return;");
	} else {
		w_line(w, "return %s;", what);
	}
}

/* A function's last statement: "return X;", or for a void function "X;". */
static void emit_last(struct writer *w, const struct fnsig *f, const char *what)
{
	w_line(w, "%s%s;", f->ret_kind == RET_VOID ? "" : "return ", what);
}

/* "ddv_call_exit(ddv_call, (u64)(unsigned long)ret);\n return ret;" (void: 0, "return;") */
static void emit_exit(struct writer *w, const struct fnsig *f)
{
	bool is_void = f->ret_kind == RET_VOID;

	w_line(w, "ddv_call_exit(ddv_call, %s);", is_void ? "0" : "(u64)(unsigned long)ret");
	w_line(w, is_void ? "return;" : "return ret;");
}

/* The end of a body: where its rare events go (followed by the call to the rare path). */
static void emit_rare_label(struct writer *w, const char *label)
{
	w->indent--;
	w_line(w, "%s: __attribute__((__cold__, __unused__));", label);
	w->indent++;
}

/*
 * The rules after the original call, then the exit (ddv_a_kmalloc_trace):
 *	static __always_inline void *ddv_a_kmalloc_trace(struct ddv_call *ddv_call, void *ret, size_t size)
 *	{ after rules; exit; return ret; ddv_resume: return ddv_p_kmalloc_trace(...); }
 */
static void emit_after(struct writer *w, struct spec *spec, struct fnsig *f)
{
	bool is_void = f->ret_kind == RET_VOID;

	w_line(w, "static __always_inline %s(struct ddv_call *ddv_call%s%s%s)",
	       ret_decl(f, mangle("ddv_a_", f->symbol)), is_void ? "" : ", ",
	       is_void ? "" : ret_decl(f, "ret"), arg_decls(f, true));
	w_block(w);
	emit_phase(w, spec, f->contract->body, true);
	emit_exit(w, f);
	emit_rare_label(w, "ddv_resume");
	emit_last(w, f, tree_printf("%s(ddv_call->ret_ip, ddv_call->dut%s%s)",
				      mangle("ddv_p_", f->symbol), is_void ? "" : ", ret",
				      arg_names(f, true)));
	w_close(w, "");
	w_blank(w);
}

/*
 * The rules of one function, around the original call (ddv_b_kmalloc_trace):
 * the wrapper inlines it after the inline entry, where the record's fields
 * are constants and registers and a rare event leaves for the rare path
 * (abi.h DDV_RARE), and so does the rare path, where every event is handled
 * in place.
 *	static __always_inline void *ddv_b_kmalloc_trace(struct ddv_call *ddv_call, ...)
 *	{ pre-call rules; injected failure or the original; after rules and exit;
 *	  ddv_restart: return ddv_r_kmalloc_trace(...); }
 */
static void emit_body(struct writer *w, struct spec *spec, struct fnsig *f)
{
	struct contract *c = f->contract;
	bool after = phase_has(c->body, true);
	bool is_void = f->ret_kind == RET_VOID;
	int i;

	w_line(w, "static __always_inline %s(struct ddv_call *ddv_call%s%s)",
	       ret_decl(f, mangle("ddv_b_", f->symbol)), f->nparams ? ", " : "",
	       f->nparams ? param_list(f) : "");
	w_block(w);
	if (after)
		w_line(w, "const u8 ddv_inline = ddv_call->bail;");
	if (!is_void)
		w_line(w, "%s;", ret_decl(f, "ret"));
	if (after || !is_void)
		w_blank(w);
	emit_phase(w, spec, c->body, false);
	if (c->fails) {
		w_printf(w, "switch (ddv_should_fail(ddv_call, ");
		if (c->alloc_size) {
			w_printf(w, "(u64)(");
			emit_expr(w, c->alloc_size);
			w_printf(w, ")");
		} else {
			w_printf(w, "0");
		}
		w_open(w, ", %s))", c->contig ? "DDV_CONTIG" : "0");
		w->indent--;
		w_line(w, "case DDV_FAIL_RARE:");
		w->indent++;
		w_line(w, "goto ddv_restart;");
		i = 1;
		for (struct fail_value *fv = c->fails; fv; fv = fv->next, i++) {
			w->indent--;
			w_line(w, "case %d:", i);
			w->indent++;
			/* What the real function stores when it fails, the injected failure stores too. */
			for (struct clause *cl = c->clauses; cl; cl = cl->next) {
				if (cl->kind != CL_WRITES)
					continue;
				emit_expr(w, cl->target);
				w_printf(w, " = ");
				emit_expr(w, cl->value);
				w_printf(w, ";\n");
			}
			w_printf(w, "ret = ");
			emit_fail_value(w, fv);
			w_printf(w, ";\n");
			w_line(w, "break;");
		}
		w->indent--;
		w_line(w, "default:");
		w->indent++;
		emit_call_original(w, f, true);
		w_line(w, "break;");
		w_close(w, "");
	} else {
		emit_call_original(w, f, true);
	}
	if (after) {
		/* The rules after the call may resume it afresh: nothing of theirs is done yet. */
		w_line(w, "ddv_call->bail = ddv_inline;");
		emit_return(w, f, tree_printf("%s(ddv_call%s%s)", mangle("ddv_a_", f->symbol),
					      is_void ? "" : ", ret", arg_names(f, true)));
	} else {
		emit_exit(w, f);
	}
	emit_rare_label(w, "ddv_restart");
	emit_last(w, f, tree_printf("%s(ddv_call->ret_ip, ddv_call->dut%s)",
				      mangle("ddv_r_", f->symbol), arg_names(f, false)));
	w_close(w, "");
	w_blank(w);
}

/*
 * The rare path's two signatures, for the declaration and the definition:
 * "static DDV_RARE_PATH void *ddv_r_kmalloc_trace(unsigned long ddv_ret_ip,
 * unsigned long ddv_dut, struct kmem_cache *s, gfp_t flags, size_t size)", and
 * with after ddv_p_kmalloc_trace's (", void *ret, size_t size": the return
 * value and the parameters the rules after the call read).
 */
static const char *rare_sig(const struct fnsig *f, bool after)
{
	bool with_ret = after && f->ret_kind != RET_VOID;

	return tree_printf("static DDV_RARE_PATH %s(unsigned long ddv_ret_ip, unsigned long ddv_dut%s%s%s)",
			   ret_decl(f, mangle(after ? "ddv_p_" : "ddv_r_", f->symbol)),
			   with_ret ? ", " : "", with_ret ? ret_decl(f, "ret") : "",
			   arg_decls(f, after));
}

/*
 * The rare path, out of the wrapper's own code (ddv_r_kmalloc_trace): a call
 * that took the inline entry restarts here (dut set), else the full entry.
 *	static noinline void *ddv_r_kmalloc_trace(unsigned long ddv_ret_ip, u16 ddv_dut, ...)
 *	{ record: rare entry, or full entry (the original alone when switched off); body }
 */
static void emit_rare_path(struct writer *w, struct spec *spec, struct fnsig *f)
{
	int nargs = f->nparams < DDV_MAX_ARGS ? f->nparams : DDV_MAX_ARGS;
	bool is_void = f->ret_kind == RET_VOID;
	int i = 0;

	w_line(w, "%s", rare_sig(f, false));
	w_block(w);
	w_line(w, "struct ddv_call ddv_call DDV_CALL_NOINIT;");
	/* The arguments, for tracing: the record points to them for the whole call. */
	if (nargs) {
		w_printf(w, "u64 ddv_args[%d] = { ", nargs);
		for (struct param *p = f->params; p && i < nargs; p = p->next, i++)
			w_printf(w, "%s(u64)(unsigned long)%s", i ? ", " : "", p->name);
		w_printf(w, " };\n");
	}
	w_blank(w);
	w_open(w, "if (ddv_dut)");
	w_line(w, "ddv_call_enter_rare(&ddv_call, &%s, %d, ddv_ret_ip, ddv_dut, %d);",
	       pack_var(spec), f->index, nargs);
	w->indent--;
	w_line(w, "} else if (!__ddv_call_enter(&ddv_call, &%s, %d, ddv_ret_ip, %s, %d)) {",
	       pack_var(spec), f->index, nargs ? "ddv_args" : "NULL", nargs);
	w->indent++;
	/* Switched off: the original and nothing else. */
	if (!is_void)
		w_printf(w, "return ");
	emit_call_original(w, f, false);
	if (is_void)
		w_line(w, "return;");
	w_close(w, "");
	emit_last(w, f, tree_printf("%s(&ddv_call%s)", mangle("ddv_b_", f->symbol),
				      arg_names(f, false)));
	w_close(w, "");
	w_blank(w);
	if (!phase_has(f->contract->body, true))
		return;
	/* The rules after the original, for a call that took the inline entry. */
	w_line(w, "%s", rare_sig(f, true));
	w_block(w);
	w_line(w, "struct ddv_call ddv_call DDV_CALL_NOINIT;");
	w_blank(w);
	w_line(w, "ddv_call_enter_rare(&ddv_call, &%s, %d, ddv_ret_ip, ddv_dut, %d);",
	       pack_var(spec), f->index, nargs);
	emit_last(w, f, tree_printf("%s(&ddv_call%s%s)", mangle("ddv_a_", f->symbol),
				      is_void ? "" : ", ret", arg_names(f, true)));
	w_close(w, "");
	w_blank(w);
}

/*
 * One wrapper; its comment in abi.h shows the shape:
 *	static void *ddv_w_kmalloc_trace(struct kmem_cache *s, gfp_t flags, size_t size)
 *	{ inline entry: body; else the rare path }
 * A leak scope's begin or end takes the full entry only, on the rare path.
 */
static void emit_wrapper(struct writer *w, struct spec *spec, struct fnsig *f)
{
	int nargs = f->nparams < DDV_MAX_ARGS ? f->nparams : DDV_MAX_ARGS;
	bool after = phase_has(f->contract->body, true);
	bool is_void = f->ret_kind == RET_VOID;

	if (f->optional)
		w_line(w, "extern %s(%s) __weak;", ret_decl(f, f->symbol), param_list(f));
	w_line(w, "/* %s: %s -> %s */", pos_text(&f->pos), f->contract->api, f->symbol);
	w_line(w, "%s;", rare_sig(f, false));
	if (after)
		w_line(w, "%s;", rare_sig(f, true));
	w_blank(w);
	if (after)
		emit_after(w, spec, f);
	emit_body(w, spec, f);
	emit_rare_path(w, spec, f);
	w_line(w, "static DDV_WRAPPER %s(%s)", ret_decl(f, mangle("ddv_w_", f->symbol)), param_list(f));
	w_block(w);
	if (!scope_boundary(spec, f)) {
		w_line(w, "struct ddv_call ddv_call DDV_CALL_NOINIT;");
		w_blank(w);
		w_printf(w, "if (likely(ddv_call_enter_fast(&ddv_call, &%s, %d, _RET_IP_, %d)))",
			 pack_var(spec), f->index, nargs);
		if (is_void) {
			w_printf(w, " {\n");
			w->indent++;
		} else {
			w_printf(w, "\n");
			w->indent++;
		}
		emit_return(w, f, tree_printf("%s(&ddv_call%s)", mangle("ddv_b_", f->symbol),
					      arg_names(f, false)));
		if (is_void)
			w_close(w, "");
		else
			w->indent--;
	}
	emit_last(w, f, tree_printf("%s(_RET_IP_, 0%s)", mangle("ddv_r_", f->symbol),
				    arg_names(f, false)));
	w_close(w, "");
	/* A spec prototype that differs from the kernel's is a build error, not a crash. */
	w_line(w, "_Static_assert(__builtin_types_compatible_p(typeof(&%s), typeof(&%s)),",
	       mangle("ddv_w_", f->symbol), f->symbol);
	w_line(w, "\t       \"%s: the prototype of %s differs from the kernel's\");",
	       pos_text(&f->pos), f->symbol);
	w_blank(w);
}

/*
 * Every descriptor is commented with its name and where the spec declares it;
 * the names themselves live in the catalog (ddv_catalog below), not here.
 * ("12 heap.double-free, specs/linux/heap.ddv:42:5" before "[12] = { .nargs = 1 },").
 */
static void emit_desc_comment(struct writer *w, int index, const char *name,
			      const struct srcpos *pos)
{
	w_line(w, "/* %d %s, %s */", index, name, pos_text(pos));
}

static void emit_types(struct writer *w, struct spec *spec)
{
	w_open(w, "static const struct ddv_type_desc ddv_types[%d] =", spec->ntypes ? spec->ntypes : 1);
	for (struct type_decl *t = spec->types; t; t = t->next) {
		emit_desc_comment(w, t->index, t->name, &t->pos);
		w_open(w, "[%d] =", t->index);
		w_line(w, ".nfields = %d,", t->nfields);
		w_line(w, ".nstates = %d,", t->nstates);
		w_line(w, ".flags = %s,", t->contained ? "DDV_TYPE_CONTAINED" : "0");
		w_line(w, ".leak_msg = %d,", t->leak ? t->leak->index : 0);
		w_line(w, ".size_field = %d,", t->size_field);
		w_close(w, ",");
	}
	w_close(w, ";");
	w_blank(w);
}

static void emit_msgs_table(struct writer *w, struct spec *spec)
{
	w_open(w, "static const struct ddv_msg_desc ddv_msgs[%d] =", spec->nmsgs + 1);
	w_line(w, "/* 0 reserved: no message */");
	w_line(w, "[0] = { .nargs = 0 },");
	for (struct msg *m = spec->msgs; m; m = m->next_in_pack) {
		emit_desc_comment(w, m->index, m->rule_id, &m->pos);
		w_line(w, "[%d] = { .nargs = %d },", m->index, m->nargs);
	}
	w_close(w, ";");
	w_blank(w);
}

static void emit_funcs_table(struct writer *w, struct spec *spec)
{
	static const char *const cls[] = { "DDV_FAULT_NONE", "DDV_FAULT_GENERIC", "DDV_FAULT_ALLOC",
					   "DDV_FAULT_TRYLOCK", "DDV_FAULT_LOCK" };

	for (struct contract *c = spec->contracts; c; c = c->next) {
		if (!c->fails)
			continue;
		w_printf(w, "static const s64 %s[] = { ", mangle("ddv_fail_", c->api));
		for (struct fail_value *f = c->fails; f; f = f->next) {
			w_printf(w, "(s64)(");
			if (f->kind == FAIL_NULL)
				w_printf(w, "0");
			else
				emit_expr(w, f->value);
			w_printf(w, ")");
			w_printf(w, "%s", f->next ? ", " : "");
		}
		w_printf(w, " };\n");
	}
	w_blank(w);
	w_open(w, "static const struct ddv_func_desc ddv_funcs[%d] =", spec->nfuncs ? spec->nfuncs : 1);
	for (struct fnsig *f = spec->funcs; f; f = f->next_in_pack) {
		struct contract *c = f->contract;
		int nargs = f->nparams < DDV_MAX_ARGS ? f->nparams : DDV_MAX_ARGS;
		int cond = (f->since != NULL) + (f->before != NULL);
		const char *flags = "0";

		emit_desc_comment(w, f->index, tree_printf("%s (%s)", f->symbol, c->api), &f->pos);
		w_open(w, "[%d] =", f->index);
		w_printf(w, ".symbol = ");
		w_cstring(w, f->symbol);
		w_printf(w, ",\n.api = ");
		w_cstring(w, c->api);
		w_printf(w, ",\n");
		if (cond) {
			fprintf(w->out, "#if %s%s%s\n",
				f->since ? tree_printf("LINUX_VERSION_CODE >= %s", version_code(f->since)) : "",
				cond == 2 ? " && " : "",
				f->before ? tree_printf("LINUX_VERSION_CODE < %s", version_code(f->before)) : "");
		}
		w_line(w, ".wrapper = %s,", mangle("ddv_w_", f->symbol));
		w_line(w, ".original = %s,", f->symbol);
		if (cond)
			fprintf(w->out, "#endif\n");
		if (c->fails)
			w_line(w, ".fail_values = %s,", mangle("ddv_fail_", c->api));
		w_line(w, ".call_msg = %d,", f->call_msg);
		w_line(w, ".ret_msg = %d,", f->ret_msg);
		w_line(w, ".nargs = %d,", nargs);
		w_line(w, ".nfail = %d,", c->nfails);
		w_line(w, ".fault_class = %s,", cls[c->fault_class]);
		if (c->may_sleep)
			flags = "DDV_FUNC_MAY_SLEEP";
		if (f->optional)
			flags = tree_printf("%s%s", strcmp(flags, "0") ? tree_printf("%s | ", flags) : "",
					    "DDV_FUNC_OPTIONAL");
		if (f->ret_kind == RET_PTR)
			flags = tree_printf("%s%s", strcmp(flags, "0") ? tree_printf("%s | ", flags) : "",
					    "DDV_FUNC_RET_PTR");
		w_line(w, ".flags = %s,", flags);
		w_close(w, ",");
	}
	w_close(w, ";");
	w_blank(w);
}

static void emit_scopes_table(struct writer *w, struct spec *spec)
{
	int n = 0;

	for (struct scope *s = spec->scopes; s; s = s->next)
		n++;
	if (!n)
		return;
	w_open(w, "static const struct ddv_scope_desc ddv_scopes[%d] =", n);
	n = 0;
	for (struct scope *s = spec->scopes; s; s = s->next, n++) {
		emit_desc_comment(w, n, s->name, &s->pos);
		w_block(w);
		w_line(w, ".begin_func = %d,", s->begin->index);
		w_line(w, ".end_func = %d,", s->end->index);
		w_line(w, ".type = %d,", s->type->index);
		w_line(w, ".msg = %d,", s->msg->index);
		w_close(w, ",");
	}
	w_close(w, ";");
	w_blank(w);
}

/*
 * The catalog, the one home of the pack's names, in the module itself: ddv.ko
 * hands it to the ddv command (DDV_OP_PACK_CATALOG), which also reads it from
 * the .ko file's section. One string literal a line, byte for byte the text
 * `ddvc catalog` prints.
 */
static int emit_catalog_string(struct writer *w, struct spec *spec)
{
	size_t len;
	const char *text = catalog_text(spec, &len), *p, *nl;

	if (!text)
		return -1;
	w_line(w, "/* The pack's names: its catalog (`ddvc catalog` prints the same text). */");
	w_line(w, "static const char ddv_catalog[]");
	w_line(w, "\t__attribute__((__section__(\"" DDV_CATALOG_SECTION "\"), __used__)) =");
	w->indent++;
	for (p = text; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p) - 1;
		w_cstring(w, tree_strndup(p, (size_t)(nl - p) + 1));
		w_printf(w, "%s\n", nl[1] ? "" : ";");
	}
	w->indent--;
	w_blank(w);
	return 0;
}

int emit_c(struct spec *spec, FILE *out)
{
	struct writer w;
	const char *pv = pack_var(spec);
	int nscopes = 0;

	for (struct scope *s = spec->scopes; s; s = s->next)
		nscopes++;
	w_init(&w, out);
	w_line(&w, "// SPDX-License-Identifier: GPL-2.0");
	w_line(&w, "/* %s.c: the ddv rule pack %s %s, generated by ddvc " PACKAGE_VERSION
	       " from the specs; do not edit. */", spec->pack, spec->pack, spec->version);
	w_line(&w, "#include <linux/module.h>");
	w_line(&w, "#include <linux/version.h>");
	w_line(&w, "#include <linux/err.h>");
	w_line(&w, "#include <linux/errno.h>");
	for (struct include *i = spec->includes; i; i = i->next)
		w_line(&w, "#include %s", i->header);
	w_line(&w, "#include <ddv/abi.h>");
	w_blank(&w);
	w_line(&w, "static struct ddv_pack %s;", pv);
	w_blank(&w);
	for (struct fnsig *f = spec->funcs; f; f = f->next_in_pack) {
		int cond = (f->since != NULL) + (f->before != NULL);

		if (cond)
			fprintf(out, "#if %s%s%s\n",
				f->since ? tree_printf("LINUX_VERSION_CODE >= %s", version_code(f->since)) : "",
				cond == 2 ? " && " : "",
				f->before ? tree_printf("LINUX_VERSION_CODE < %s", version_code(f->before)) : "");
		emit_wrapper(&w, spec, f);
		if (cond)
			fprintf(out, "#endif\n\n");
	}
	emit_types(&w, spec);
	emit_msgs_table(&w, spec);
	emit_funcs_table(&w, spec);
	emit_scopes_table(&w, spec);
	if (emit_catalog_string(&w, spec))
		return EIO;
	w_open(&w, "static struct ddv_pack %s =", pv);
	w_line(&w, ".abi_version = DDV_ABI_VERSION,");
	w_printf(&w, ".name = ");
	w_cstring(&w, spec->pack);
	w_printf(&w, ",\n.version = ");
	w_cstring(&w, spec->version);
	w_printf(&w, ",\n");
	w_line(&w, ".catalog = ddv_catalog,");
	w_line(&w, ".catalog_len = sizeof(ddv_catalog) - 1,");
	w_line(&w, ".types = ddv_types,");
	w_line(&w, ".msgs = ddv_msgs,");
	w_line(&w, ".funcs = ddv_funcs,");
	w_line(&w, ".scopes = %s,", nscopes ? "ddv_scopes" : "NULL");
	w_line(&w, ".ntypes = %d,", spec->ntypes);
	w_line(&w, ".nmsgs = %d,", spec->nmsgs + 1);
	w_line(&w, ".nfuncs = %d,", spec->nfuncs);
	w_line(&w, ".nscopes = %d,", nscopes);
	w_close(&w, ";");
	w_blank(&w);
	w_line(&w, "static int __init %s_init(void)", pv);
	w_block(&w);
	w_line(&w, "return ddv_register_pack(&%s);", pv);
	w_close(&w, "");
	w_blank(&w);
	w_line(&w, "static void __exit %s_exit(void)", pv);
	w_block(&w);
	w_line(&w, "ddv_unregister_pack(&%s);", pv);
	w_close(&w, "");
	w_blank(&w);
	w_line(&w, "module_init(%s_init);", pv);
	w_line(&w, "module_exit(%s_exit);", pv);
	w_line(&w, "MODULE_LICENSE(\"GPL\");");
	w_printf(&w, "MODULE_DESCRIPTION(");
	w_cstring(&w, tree_printf("ddv rule pack %s %s (generated by ddvc)", spec->pack, spec->version));
	w_printf(&w, ");\n");
	return ferror(out) ? EIO : 0;
}

/* Kbuild for the pack module: ddv-<pack>.ko from <pack>.c. */
int emit_kbuild(struct spec *spec, FILE *out)
{
	fprintf(out, "# Kbuild: builds the ddv rule pack %s as ddv-%s.ko; generated by ddvc, do not edit.\n",
		spec->pack, spec->pack);
	fprintf(out, "obj-m += ddv-%s.o\n", spec->pack);
	fprintf(out, "ddv-%s-y := %s.o\n", spec->pack, spec->pack);
	fprintf(out, "# A wrapper must never tail-call the original: the call would re-enter the redirection.\n");
	fprintf(out, "# DDV_SRCDIR: the ddv source tree (runtime/local.mk passes it; default: beside generated/).\n");
	fprintf(out, "DDV_SRCDIR ?= $(src)/..\n");
	fprintf(out, "ccflags-y += -I$(DDV_SRCDIR)/runtime/include -fno-optimize-sibling-calls\n");
	return ferror(out) ? EIO : 0;
}
