/*
 * emit_c.c: the wrappers of the pack's kernel C: for each function its rules as
 * bodies on a call record, the wrapper and its rare path (compiler/README shows
 * one). emit_pack.c writes the rest of the file around them.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/ddvc.h"
#include "compiler/parser.h"
#include "compiler/emit_lookups.h"

/* The state of one run of the wrapper emitter. */
struct emit_ctx {
	struct writer *w;
	struct spec *spec;
	/*
	 * Where a rare event on the inline path goes (DDV_RARE in ddv/fastpath.h):
	 * ddv_restart in the rules before the original call, ddv_resume in those
	 * after it.
	 */
	const char *rare_label;
	/* In a run of checks that read the same objects: their one lookup each (emit_check_run). */
	struct shared_lookups *shared;
	/*
	 * In the rest of the body of the if that ends a run (emit_run_if): the
	 * run's lookups, whose copies a destroy of the same object hands over
	 * (ddv_obj_destroy_found).
	 */
	struct shared_lookups *found;
	/* In a chain of ifs (chain_len): its last link, whose else takes chain_label. */
	const struct stmt *chain_last;
	int chain_label;
	int chain_labels;	/* the pack's chains so far: each one's label */
	/* In the body of an if that asks ddv_in_driver(): its object operations leave first. */
	int own_memory;
};

const char *pack_var(const struct spec *spec)
{
	return mangle("ddv_pack_", spec->pack);
}

const char *pcpu_var(const struct type_decl *t)
{
	return mangle("ddv_pcpu_", t->name);
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

/* After "if (COND)\n": "\tgoto ddv_restart;" */
static void emit_goto_rare(struct emit_ctx *cx)
{
	w_nested(cx->w, "goto %s;", cx->rare_label);
}

/*	if (DDV_RARE(ddv_call, ddv_rc))
 *		goto ddv_restart;
 */
static void emit_rare(struct emit_ctx *cx, const char *rc)
{
	w_line(cx->w, "if (DDV_RARE(ddv_call, %s))", rc);
	emit_goto_rare(cx);
}

/* Lookups run in reverse so that a key reading a field finds its object already read. */
static void emit_lookups(struct emit_ctx *cx, const struct lookups *l)
{
	struct writer *w = cx->w;

	for (int i = l->n - 1; i >= 0; i--) {
		struct expr *o = obj_of(l->e[i]);
		int slot = l->e[i]->slot;
		bool copy = l->e[i]->kind == E_FIELD;

		if (cx->shared) {
			if (cx->shared->o[slot].done)
				continue;
			cx->shared->o[slot].done = true;
			copy = cx->shared->o[slot].copy;
		}
		if (o->type->percpu) {
			/* In this CPU's set: no store, no rare path (ddv/fastpath.h). */
			w_printf(w, "ddv_f%d = ddv_pcpu_lookup(ddv_call, &%s, ", slot,
				 pcpu_var(o->type));
			emit_key(w, o->a);
			w_printf(w, ");\n");
			continue;
		}
		w_printf(w, "ddv_f%d = ddv_obj_lookup(ddv_call, %s, ", slot, type_ref(o->type));
		emit_key(w, o->a);
		if (copy)
			w_printf(w, ", &ddv_o%d, %d);\n", slot, o->type->nfields);
		else
			w_printf(w, ", NULL, 0);\n");
		emit_rare(cx, tree_printf("ddv_f%d", slot));
	}
}

/* The C of a message's argument: the parameter or variable it names, or ddvc's own. */
static const char *arg_c(const struct msg *m, int i)
{
	if (m->arg_c[i])
		return m->arg_c[i];
	if (!strcmp(m->args[i], DDVC_CURRENT_TASK))
		return "ddv_current_task()";
	return m->args[i];
}

/*	ddv_violation(ddv_call, 3, 1, (u64)(unsigned long)(objp)); */
static void emit_violation(struct writer *w, const struct msg *m)
{
	w_printf(w, "ddv_violation(ddv_call, %d, %d", m->index, m->nargs);
	for (int i = 0; i < m->nargs; i++)
		w_printf(w, ", (u64)(unsigned long)(%s)", arg_c(m, i));
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
static void emit_then_report(struct emit_ctx *cx, const struct msg *m)
{
	w_open(cx->w, "%s", "");
	w_line(cx->w, "if (ddv_call->bail)");
	emit_goto_rare(cx);
	emit_violation(cx->w, m);
	w_close(cx->w, "");
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

static void emit_stmts(struct emit_ctx *cx, struct stmt *s, int depth);

/* "LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)": the one form of a kernel-version test. */
static const char *version_test(int op, const char *version)
{
	return tree_printf("LINUX_VERSION_CODE %s %s", op == TOK_GE ? ">=" : "<",
			   version_code(version));
}

/* A function's since/before as one #if condition, or NULL when it has neither. */
const char *version_guard(const struct fnsig *f)
{
	if (f->since && f->before)
		return tree_printf("%s && %s", version_test(TOK_GE, f->since),
				   version_test('<', f->before));
	if (f->since)
		return version_test(TOK_GE, f->since);
	if (f->before)
		return version_test('<', f->before);
	return NULL;
}

/* #if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0): a rule's "if kernel". */
static void emit_version_if(struct writer *w, int op, const char *version)
{
	w_pp(w, "#if %s", version_test(op, version));
}

/*
 * check: if (ddv_f0 == 0 && !(cond)) report;  -- a check on an absent object does not apply
 * require: if (ddv_f0 || !(cond)) report;     -- a require on an absent object fails
 */
static void emit_check(struct emit_ctx *cx, struct stmt *s, const struct lookups *l)
{
	struct writer *w = cx->w;
	bool require = s->kind == S_REQUIRE;

	w_printf(w, "if (");
	for (int i = 0; i < l->n; i++) {
		bool again = false;

		for (int j = 0; j < i; j++)
			again |= l->e[j]->kind == E_FIELD && l->e[j]->slot == l->e[i]->slot;
		if (l->e[i]->kind == E_FIELD && !again)
			w_printf(w, require ? "ddv_f%d || " : "ddv_f%d == 0 && ", l->e[i]->slot);
	}
	w_printf(w, "!(");
	emit_cond(w, s->cond);
	w_printf(w, "))");
	emit_then_report(cx, s->msg);
}

const char *type_ref(const struct type_decl *t)
{
	return t->from ? tree_printf("DDV_IMPORTED(%d)", t->import_index) :
	       tree_printf("%d", t->index);
}

static void emit_create(struct emit_ctx *cx, struct stmt *s)
{
	struct writer *w = cx->w;

	if (s->obj.type->percpu) {
		w_printf(w, "ddv_pcpu_create(ddv_call, &%s, ", pcpu_var(s->obj.type));
		emit_key(w, s->obj.key);
		w_printf(w, ");\n");
		emit_no_bail(w);
		return;
	}

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
	w_printf(w, "ddv_rc = ddv_obj_create(ddv_call, %s, ", type_ref(s->obj.type));
	emit_key(w, s->obj.key);
	w_printf(w, ", %d, ddv_fv, NULL, %d, %d);\n", s->index < 0 ? 0 : s->index,
		 s->obj.type->size_field, s->obj.type->nfields);
	emit_rare(cx, "ddv_rc");
	/* Proven absent by its 'if': no rule (a racing create elsewhere made it: no matter). */
	if (!s->proven_by) {
		w_printf(w, "if (ddv_rc == -EEXIST)");
		emit_then_report(cx, s->msg);
	}
	emit_no_bail(w);
}

static void emit_foreach(struct emit_ctx *cx, struct stmt *s, int depth)
{
	struct writer *w = cx->w;
	struct type_decl *in = s->in.type, *t = s->obj.type;

	/* Exempt from the kernel's zeroing of locals: read only after a lookup fills them. */
	w_line(w, "struct ddv_obj ddv_in%d DDV_NOINIT, ddv_it%d DDV_NOINIT;", depth, depth);
	w_line(w, "u64 ddv_lo%d, ddv_hi%d;", depth, depth);
	w_line(w, "int ddv_rc%d;", depth);
	w_blank(w);
	/* Nothing of t live anywhere (the usual case): no need to read the block. */
	w_open(w, "if (ddv_obj_any_inside(ddv_call, %s))", type_ref(t));
	/* Rare on the inline path: the walk calls into ddv.ko (the block's lookup may not). */
	w_line(w, "if (ddv_call->bail)");
	emit_goto_rare(cx);
	w_printf(w, "ddv_rc%d = ddv_obj_lookup(ddv_call, %s, ", depth, type_ref(in));
	emit_key(w, s->in.key);
	w_printf(w, ", &ddv_in%d, %d);\n", depth, in->nfields);
	emit_rare(cx, tree_printf("ddv_rc%d", depth));
	w_open(w, "if (!ddv_rc%d)", depth);
	w_line(w, "ddv_lo%d = ddv_in%d.key;", depth, depth);
	w_line(w, "ddv_hi%d = ddv_lo%d + ddv_in%d.fields[%d];", depth, depth, depth,
	       in->size_field);
	w_printf(w, "while (ddv_lo%d < ddv_hi%d &&\n", depth, depth);
	w_open(w, "       !ddv_obj_find_inside(ddv_call, %s, ddv_lo%d, ddv_hi%d, &ddv_it%d))",
	       type_ref(t), depth, depth, depth);
	w_line(w, "%s%s%s = (%s)(unsigned long)ddv_it%d.key;", t->key_type,
	       t->key_type[strlen(t->key_type) - 1] == '*' ? "" : " ", s->var, t->key_type, depth);
	w_blank(w);
	w_line(w, "ddv_lo%d = ddv_it%d.key + 1;", depth, depth);
	emit_stmts(cx, s->body, depth + 1);
	w_close(w, "");
	w_close(w, "");
	w_close(w, "");
}

/*
 * The run's lookup (cx->found) that copied the object s destroys, its index;
 * -1: none. The copy names the slot the object was read in.
 */
static int found_copy(const struct emit_ctx *cx, const struct stmt *s)
{
	const struct shared_lookups *sh = cx->found;
	char *key;
	int i;

	if (!sh || !key_shareable(s->obj.key) || !(key = expr_c(s->obj.key)))
		return -1;
	for (i = 0; i < sh->n; i++)
		if (sh->o[i].type == s->obj.type && sh->o[i].copy && !strcmp(sh->o[i].key, key))
			break;
	free(key);
	return i < sh->n ? i : -1;
}

/* The operation itself, after its lookups: T[k] created, destroyed, changed or given away. */
static void emit_object_call(struct emit_ctx *cx, struct stmt *s)
{
	struct writer *w = cx->w;
	const char *type = type_ref(s->obj.type);

	switch (s->kind) {
	case S_DESTROY:
		if (s->obj.type->percpu) {
			w_printf(w, "ddv_rc = ddv_pcpu_destroy(ddv_call, &%s, ",
				 pcpu_var(s->obj.type));
			emit_key(w, s->obj.key);
			w_printf(w, ");\n");
		} else {
			int found = found_copy(cx, s);

			w_printf(w, "ddv_rc = ddv_obj_destroy%s(ddv_call, %s, ",
				 found >= 0 ? "_found" : "", type);
			emit_key(w, s->obj.key);
			if (found >= 0)
				w_printf(w, ", &ddv_o%d, %d);\n", found, s->obj.type->size_field);
			else
				w_printf(w, ", NULL, %d);\n", s->obj.type->size_field);
			emit_rare(cx, "ddv_rc");
		}
		if (!s->proven_by) {	/* else proven live by its 'if': no rule */
			w_printf(w, "if (ddv_rc == -ENOENT)");
			emit_then_report(cx, s->msg);
		}
		break;
	case S_MANAGED:
		/* The device's devres ends the record (runtime/linux/devres.c). */
		w_printf(w, "if (DDV_RARE(ddv_call, ddv_obj_managed(ddv_call, %s, ", type);
		emit_key(w, s->obj.key);
		w_printf(w, ", (const void *)(");
		emit_expr(w, s->value);
		w_printf(w, "))))\n");
		emit_goto_rare(cx);
		break;
	case S_SET_STATE:
		w_printf(w, "if (DDV_RARE(ddv_call, ddv_obj_set_state(ddv_call, %s, ", type);
		emit_key(w, s->obj.key);
		w_printf(w, ", %d)))\n", s->index);
		emit_goto_rare(cx);
		break;
	case S_SET_FIELD:
		w_printf(w, "if (DDV_RARE(ddv_call, ddv_obj_set_field(ddv_call, %s, ", type);
		emit_key(w, s->obj.key);
		w_printf(w, ", %d, (u64)(unsigned long)(", s->index);
		emit_expr(w, s->value);
		w_printf(w, "))))\n");
		emit_goto_rare(cx);
		break;
	case S_ADJUST:
		w_printf(w, "ddv_rc = ddv_obj_adjust(ddv_call, %s, ", type);
		emit_key(w, s->obj.key);
		w_printf(w, ", %d, ", s->index);
		emit_expr(w, s->value);
		w_printf(w, ", ");
		emit_expr(w, s->lo);
		w_printf(w, ", ");
		emit_expr(w, s->hi);
		w_printf(w, ", &ddv_result);\n");
		emit_rare(cx, "ddv_rc");
		if (!s->proven_by) {	/* else kept within its bounds by its 'if' */
			w_printf(w, "if (ddv_rc == -ERANGE)");
			emit_then_report(cx, s->msg);
		}
		break;
	default:
		/*
		 * transfer: the kernel releases the object where no wrapper
		 * sees it (devres, RCU, the network stack): a record kept past
		 * that would turn the next object at the same address into a
		 * false "created again". So the record goes now.
		 */
		w_printf(w, "if (DDV_RARE(ddv_call, ddv_obj_destroy(ddv_call, %s, ", type);
		emit_key(w, s->obj.key);
		w_printf(w, ", NULL, %d)))\n", s->obj.type->size_field);
		emit_goto_rare(cx);
		break;
	}
}

/* create, destroy, T[k].state = S, T[k].f = e, adjust, transfer: a block of its own. */
static void emit_object_op(struct emit_ctx *cx, struct stmt *s)
{
	struct writer *w = cx->w;
	struct lookups l = { .n = 0 };

	collect(&l, s->obj.key);
	collect(&l, s->value);
	collect(&l, s->lo);
	collect(&l, s->hi);
	for (struct field_init *i = s->inits; i; i = i->next)
		collect(&l, i->value);
	emit_comment_pos(w, &s->pos, s->kind == S_TRANSFER ?
			 tree_printf("transfer: %s", s->why) : "object operation");
	if (cx->own_memory && cx->rare_label)
		emit_rare(cx, "-EAGAIN");
	w_block(w);
	emit_lookup_decls(w, &l);
	if (s->kind == S_ADJUST)
		w_line(w, "s64 ddv_result;");
	if (s->kind == S_DESTROY || s->kind == S_ADJUST)
		w_line(w, "int ddv_rc;");
	if (s->kind == S_CREATE) {
		emit_create(cx, s);
		w_close(w, "");
		return;
	}
	if (l.n || s->kind == S_ADJUST || s->kind == S_DESTROY)
		w_blank(w);
	emit_lookups(cx, &l);
	emit_object_call(cx, s);
	emit_no_bail(w);
	w_close(w, "");
}

/* The operands of a chain of &&, left to right, into c; their number (0: too many). */
static int conjuncts(struct expr *e, struct expr **c, int max)
{
	int n;

	if (e->kind != E_BINARY || e->op != TOK_AND) {
		if (max < 1)
			return 0;
		c[0] = e;
		return 1;
	}
	n = conjuncts(e->a, c, max);
	if (!n)
		return 0;
	max = conjuncts(e->b, c + n, max - n);
	return max ? n + max : 0;
}

/*
 * The condition of an if or after that is a chain of && whose later operands
 * read objects: each operand's lookups only once those before it held, as C
 * evaluates them (kfree's `device_name[objp] && !heap[objp]` reads the heap
 * slot only for a device's name). A lookup has no effect that outlives its
 * answer but an attached driver's missed flag, which only a violation reads:
 * one that would not decide the condition decides nothing. Opens a block with
 * ddv_if, the condition's value, and returns true; false (nothing written)
 * when no operand after the first reads an object.
 *	{
 *		int ddv_f0, ddv_f1;
 *		bool ddv_if;
 *
 *		(the first operand's lookups)
 *		ddv_if = (the first operand);
 *		if (ddv_if) {
 *			(the second's lookups)
 *			ddv_if = (the second);
 *		}
 *		...
 */
static bool emit_lazy_cond(struct emit_ctx *cx, struct expr *cond, struct lookups *l)
{
	struct expr *c[DDVC_MAX_LOOKUPS];
	int start[DDVC_MAX_LOOKUPS + 1];
	struct writer *w = cx->w;
	int n = conjuncts(cond, c, DDVC_MAX_LOOKUPS), k, later = 0;

	if (n < 2 || l->overflow)
		return false;
	/* The whole condition's slots, collected operand by operand. */
	l->n = 0;
	for (k = 0; k < n; k++) {
		start[k] = l->n;
		collect(l, c[k]);
		later += k && l->n > start[k];
	}
	start[n] = l->n;
	if (!later || l->overflow)
		return false;
	w_block(w);
	emit_lookup_decls(w, l);
	w_line(w, "bool ddv_if;");
	w_blank(w);
	for (k = 0; k < n; k++) {
		struct lookups part = { .n = start[k + 1] - start[k] };
		/* An operand without lookups joins the test of the one before. */
		bool opens = k && part.n;

		memcpy(part.e, l->e + start[k], part.n * sizeof(part.e[0]));
		if (opens)
			w_open(w, "if (ddv_if)");
		emit_lookups(cx, &part);
		if (k && !opens) {
			w_printf(w, "ddv_if = ddv_if && ");
			emit_expr(w, c[k]);	/* a binary operand in parentheses */
		} else {
			w_printf(w, "ddv_if = ");
			emit_cond(w, c[k]);
		}
		w_printf(w, ";\n");
		if (opens)
			w_close(w, "");
	}
	return true;
}

/*
 * Is anything after a change to an object in the list s (nested bodies in
 * order, alternatives as if in a row)? *seen: a change came before.
 */
static bool change_then_more(const struct stmt *s, bool *seen)
{
	for (; s; s = s->next) {
		if (*seen)
			return true;
		if (stmt_changes_object(s->kind))
			*seen = true;
		else if (change_then_more(s->body, seen) || change_then_more(s->else_body, seen))
			return true;
	}
	return false;
}

/* check, require, after [cond], if: the lookups the condition reads, then the test. */
/* After "if (COND) {": the then branch, the else branch, the closing brace. */
static void emit_branches(struct emit_ctx *cx, struct stmt *s, int depth)
{
	/* Its own lookups' copies may shadow a run's: no hand-over inside. */
	struct shared_lookups *found = cx->found;
	bool seen = false;

	/*
	 * The driver's own memory (a DEFINE_MUTEX, a callback in its text): the
	 * lookups stay inline, so that an object found (every lock of the mutex
	 * but its first) costs no rare path, and each object operation leaves for
	 * it first (once per object): the wrapper keeps no create's registers.
	 */
	bool own = s->body && cx->rare_label && asks_in_driver(s->cond);

	cx->found = NULL;
	/*
	 * A link of a chain (its types' objects exist: not the usual call)
	 * whose body does more after a change: the inline path leaves for the
	 * rare path first. Else, bail clear after the change, what follows
	 * would call ddv.ko in the wrapper itself, whose every call then pays
	 * for a frame and saved registers (kfree's device name: 7 instructions).
	 */
	if (!own && s->body && cx->rare_label && cx->chain_last && change_then_more(s->body, &seen))
		emit_rare(cx, "-EAGAIN");
	cx->own_memory += own;
	emit_stmts(cx, s->body, depth);
	cx->own_memory -= own;
	if (s == cx->chain_last) {
		/* Where the chain's guard goes while none of its types had an object. */
		cx->chain_last = NULL;
		w_close(cx->w, " else {");
		w_indent(cx->w);
		w_label(cx->w, "ddv_chain%d: ;", cx->chain_label);
		emit_stmts(cx, s->else_body, depth);
	} else if (s->else_body) {
		w_close(cx->w, " else {");
		w_indent(cx->w);
		emit_stmts(cx, s->else_body, depth);
	}
	w_close(cx->w, "");
	cx->found = found;
}

/* Before the first if of a chain (chain_len): its guard's test. */
static void emit_chain_guard(struct emit_ctx *cx, struct stmt *s)
{
	const struct stmt *last = NULL;

	int n = cx->chain_last ? 0 : chain_len(s, &last);

	if (n < 2)
		return;
	/* Their descriptors name the guard (emit_types, after the wrappers). */
	for (const struct stmt *l = s; n--; l = l->else_body)
		chain_link(l)->chained = true;
	cx->chain_last = last;
	cx->chain_label = cx->chain_labels++;
	w_line(cx->w, "if (DDV_CHAIN_CLOSED(ddv_call, " CHAIN_GUARD "))");
	w_line(cx->w, "\tgoto ddv_chain%d;", cx->chain_label);
}

static void emit_conditional(struct emit_ctx *cx, struct stmt *s, int depth)
{
	struct writer *w = cx->w;
	struct lookups l = { .n = 0 };
	bool is_check = s->kind == S_CHECK || s->kind == S_REQUIRE;

	collect(&l, s->cond);
	if (is_check)
		emit_comment_pos(w, &s->pos, s->kind == S_CHECK ? "check" : "require");
	else
		emit_comment_pos(w, &s->pos, s->kind == S_AFTER ? "after" : "if");
	if (!cx->shared)
		emit_chain_guard(cx, s);
	if (cx->shared) {
		/* A check of a run: its lookups are the run's (emit_check_run). */
		for (int i = 0; i < l.n; i++)
			l.e[i]->slot = shared_slot(cx->shared, l.e[i], false);
		emit_lookups(cx, &l);
		emit_check(cx, s, &l);
		return;
	}
	if (!is_check && emit_lazy_cond(cx, s->cond, &l)) {
		w_open(w, "if (ddv_if)");
		emit_branches(cx, s, depth);
		w_close(w, "");
		return;
	}
	if (l.n) {
		w_block(w);
		emit_lookup_decls(w, &l);
		w_blank(w);
		emit_lookups(cx, &l);
	}
	if (is_check) {
		emit_check(cx, s, &l);
	} else {
		w_printf(w, "if (");
		emit_cond(w, s->cond);
		w_open(w, ")");
		emit_branches(cx, s, depth);
	}
	if (l.n)
		w_close(w, "");
}

static void emit_stmt(struct emit_ctx *cx, struct stmt *s, int depth)
{
	struct writer *w = cx->w;

	switch (s->kind) {
	case S_CHECK:
	case S_REQUIRE:
		emit_conditional(cx, s, depth);
		break;
	case S_CREATE:
	case S_DESTROY:
	case S_SET_STATE:
	case S_SET_FIELD:
	case S_ADJUST:
	case S_TRANSFER:
	case S_MANAGED:
		emit_object_op(cx, s);
		break;
	case S_AFTER:
	case S_IF:
		if (s->cond) {
			emit_conditional(cx, s, depth);
			break;
		}
		emit_comment_pos(w, &s->pos, "after");
		w_block(w);
		emit_stmts(cx, s->body, depth);
		w_close(w, "");
		break;
	case S_IF_KERNEL:
		emit_version_if(w, s->kernel_op, s->version);
		emit_stmts(cx, s->body, depth);
		if (s->else_body) {
			w_pp(w, "#else");
			emit_stmts(cx, s->else_body, depth);
		}
		w_pp(w, "#endif");
		break;
	case S_FOREACH:
		emit_comment_pos(w, &s->pos, "foreach");
		w_block(w);
		emit_foreach(cx, s, depth);
		w_close(w, "");
		break;
	}
}

/*
 * The checks and requires from s on whose every lookup can be shared, in sh;
 * the statement after them. NULL: no object is read twice (no run).
 */
/*
 * The if that ends a run (check_run): its test on the run's lookup, the
 * checks that open its body on theirs, the rest of it as usual.
 *	if ((ddv_f0 == 0)) {
 *		(the body's checks, their new lookups first)
 *		(the rest of the body)
 *	} [else { ... }]
 */
static void emit_run_if(struct emit_ctx *cx, struct shared_lookups *sh, int depth)
{
	struct stmt *s = sh->if_stmt;
	struct writer *w = cx->w;
	struct lookups l = { .n = 0 };

	collect(&l, s->cond);
	emit_comment_pos(w, &s->pos, "if");
	for (int i = 0; i < l.n; i++)
		l.e[i]->slot = shared_slot(sh, l.e[i], false);
	emit_lookups(cx, &l);
	w_printf(w, "if (");
	emit_cond(w, s->cond);
	w_open(w, ")");
	for (struct stmt *b = s->body; b != sh->body_rest; b = b->next)
		emit_stmt(cx, b, depth);
	cx->shared = NULL;
	cx->found = sh;
	emit_stmts(cx, sh->body_rest, depth);
	cx->found = NULL;
	if (s->else_body) {
		w_close(w, " else {");
		w_indent(w);
		emit_stmts(cx, s->else_body, depth);
	}
	w_close(w, "");
}

/*
 * A run of checks reading the same objects (dma_unmap's require and its two
 * checks of the mapping): one block, one lookup per object, made where the
 * first statement that reads it stands.
 *	{
 *		struct ddv_obj ddv_o0 = { 0 };
 *		int ddv_f0;
 *
 *		(each statement, its new lookups first)
 *	}
 */
static bool emit_check_run(struct emit_ctx *cx, struct stmt *s, int depth, struct stmt **next)
{
	struct shared_lookups sh = { .n = 0 }, *found;
	struct writer *w = cx->w;
	struct stmt *end;

	if (!is_check_stmt(s) || !check_run(s, &sh, &end)) {
		for (int i = 0; i < sh.n; i++)
			free(sh.o[i].key);
		return false;
	}
	w_block(w);
	for (int i = 0; i < sh.n; i++)
		if (sh.o[i].copy)
			w_line(w, "struct ddv_obj ddv_o%d = { 0 };", i);
	w_printf(w, "int ");
	for (int i = 0; i < sh.n; i++)
		w_printf(w, "%sddv_f%d", i ? ", " : "", i);
	w_printf(w, ";\n");
	w_blank(w);
	cx->shared = &sh;
	found = cx->found;	/* its copies shadow an enclosing run's */
	cx->found = NULL;
	for (; s != end && s != sh.if_stmt; s = s->next)
		emit_stmt(cx, s, depth);
	if (sh.if_stmt)
		emit_run_if(cx, &sh, depth);
	cx->shared = NULL;
	cx->found = found;
	w_close(w, "");
	for (int i = 0; i < sh.n; i++)
		free(sh.o[i].key);
	*next = end;
	return true;
}

static void emit_stmts(struct emit_ctx *cx, struct stmt *s, int depth)
{
	while (s) {
		struct stmt *end;

		if (emit_check_run(cx, s, depth, &end)) {
			s = end;
			continue;
		}
		emit_stmt(cx, s, depth);
		s = s->next;
	}
}

static bool phase_has(const struct stmt *s, bool after)
{
	for (; s; s = s->next)
		if (s->kind == S_IF_KERNEL ?
		    phase_has(s->body, after) || phase_has(s->else_body, after) :
		    (s->kind == S_AFTER) == after)
			return true;
	return false;
}

/* Top-level statements split into before and after the call; a kernel test keeps its side. */
static void emit_phase_stmts(struct emit_ctx *cx, struct stmt *s, bool after)
{
	for (; s; s = s->next) {
		if (s->kind == S_IF_KERNEL) {
			if (!phase_has(s->body, after) && !phase_has(s->else_body, after))
				continue;
			emit_version_if(cx->w, s->kernel_op, s->version);
			emit_phase_stmts(cx, s->body, after);
			if (s->else_body) {
				w_pp(cx->w, "#else");
				emit_phase_stmts(cx, s->else_body, after);
			}
			w_pp(cx->w, "#endif");
		} else if ((s->kind == S_AFTER) == after) {
			struct stmt *end;

			if (emit_check_run(cx, s, 0, &end)) {
				/* The run's last statement: the loop's step goes on after it. */
				while (s->next != end)
					s = s->next;
				continue;
			}
			emit_stmt(cx, s, 0);
		}
	}
}

static void emit_phase(struct emit_ctx *cx, struct stmt *s, bool after)
{
	cx->rare_label = after ? "ddv_resume" : "ddv_restart";
	emit_phase_stmts(cx, s, after);
	cx->rare_label = NULL;
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

/* The end of a body: where its rare events go (followed by the call to the rare path). */
static void emit_rare_label(struct writer *w, const char *label)
{
	w_label(w, "%s: __attribute__((__cold__, __unused__));", label);
}

/*
 * The rules after the original call, then the exit (ddv_a_kmalloc_trace):
 *	static __always_inline void *ddv_a_kmalloc_trace(struct ddv_call *ddv_call, void *ret,
 *							 size_t size)
 *	{ after rules; exit; return ret; ddv_resume: return ddv_p_kmalloc_trace(...); }
 */
static void emit_after(struct emit_ctx *cx, struct fnsig *f)
{
	struct writer *w = cx->w;
	bool is_void = f->ret_kind == RET_VOID;

	w_line(w, "static __always_inline %s(struct ddv_call *ddv_call%s%s%s)",
	       ret_decl(f, mangle("ddv_a_", f->symbol)), is_void ? "" : ", ",
	       is_void ? "" : ret_decl(f, "ret"), arg_decls(f, true));
	w_block(w);
	emit_phase(cx, f->contract->body, true);
	emit_exit(w, f);
	emit_rare_label(w, "ddv_resume");
	emit_last(w, f, tree_printf("%s(ddv_call_ret_ip(ddv_call), ddv_call->dut%s%s)",
				      mangle("ddv_p_", f->symbol), is_void ? "" : ", ret",
				      arg_names(f, true)));
	w_close(w, "");
	w_blank(w);
}

/*
 * The rules of one function, around the original call (ddv_b_kmalloc_trace):
 * the wrapper inlines it after the inline entry, where the record's fields
 * are constants and registers and a rare event leaves for the rare path
 * (DDV_RARE), and so does the rare path, where every event is handled
 * in place.
 *	static __always_inline void *ddv_b_kmalloc_trace(struct ddv_call *ddv_call, ...)
 *	{ pre-call rules; injected failure or the original; after rules and exit;
 *	  ddv_restart: return ddv_r_kmalloc_trace(...); }
 */
/*
 * may_sleep [if COND]: the calling context, before the rules (ddv_can_sleep()
 * in ddv/fastpath.h: hardirq, softirq, interrupts off, preemption off, which
 * a spinlock implies, an RCU read-side section):
 *	if ([(COND) && ]!ddv_can_sleep()) {
 *		if (ddv_call->bail)
 *			goto ddv_restart;
 *		ddv_violation(ddv_call, 7, 3, (u64)(unsigned long)(preempt_count()), ...);
 *	}
 */
static void emit_sleep_check(struct emit_ctx *cx, const struct contract *c)
{
	struct writer *w = cx->w;

	emit_comment_pos(w, &c->sleep_msg->pos, "may_sleep");
	w_printf(w, "if (");
	if (c->sleep_cond) {
		emit_expr(w, c->sleep_cond);
		w_printf(w, " && ");
	}
	w_printf(w, "!ddv_can_sleep())");
	cx->rare_label = "ddv_restart";
	emit_then_report(cx, c->sleep_msg);
	cx->rare_label = NULL;
}

static void emit_body(struct emit_ctx *cx, struct fnsig *f)
{
	struct writer *w = cx->w;
	struct contract *c = f->contract;
	bool after = phase_has(c->body, true);
	bool is_void = f->ret_kind == RET_VOID;

	w_line(w, "static __always_inline %s(struct ddv_call *ddv_call%s%s)",
	       ret_decl(f, mangle("ddv_b_", f->symbol)), f->nparams ? ", " : "",
	       f->nparams ? param_list(f, false) : "");
	w_block(w);
	if (after)
		w_line(w, "const u8 ddv_inline = ddv_call->bail;");
	if (!is_void)
		w_line(w, "%s;", ret_decl(f, "ret"));
	if (after || !is_void)
		w_blank(w);
	if (c->may_sleep)
		emit_sleep_check(cx, c);
	emit_phase(cx, c->body, false);
	if (c->fails) {
		emit_injection(w, f);
	} else {
		if (c->fault_class == CLASS_LOCK)
			emit_contention(w);
		if (!after) {
			/*
			 * Nothing after the call: an untraced call counts its
			 * return first and ends in the original, a tail call
			 * (no register kept across it, no frame to leave).
			 */
			w_open(w, "if (ddv_call_exit_before(ddv_call))");
			emit_return_original(w, f);
			w_close(w, "");
		}
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
	emit_last(w, f, tree_printf("%s(ddv_call_ret_ip(ddv_call), ddv_call->dut%s)",
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

	return tree_printf("static DDV_RARE_PATH %s(unsigned long ddv_ret_ip, "
			   "unsigned long ddv_dut%s%s%s)",
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
static void emit_rare_path(struct emit_ctx *cx, struct fnsig *f)
{
	struct writer *w = cx->w;
	const char *pv = pack_var(cx->spec);
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
	       pv, f->index, nargs);
	w_close(w, tree_printf(" else if (!__ddv_call_enter(&ddv_call, &%s, %d, ddv_ret_ip, "
			       "%s, %d)) {", pv, f->index, nargs ? "ddv_args" : "NULL", nargs));
	w_indent(w);
	/* Switched off: the original and nothing else. */
	emit_return_original(w, f);
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
	       pv, f->index, nargs);
	emit_last(w, f, tree_printf("%s(&ddv_call%s%s)", mangle("ddv_a_", f->symbol),
				      is_void ? "" : ", ret", arg_names(f, true)));
	w_close(w, "");
	w_blank(w);
}

/*
 *	if (likely(ENTRY(&ddv_call, &ddv_pack_linux, 0, RET_IP, 3)))
 *		return ddv_b_kmalloc_trace(&ddv_call, s, flags, size);
 */
static void emit_inline_entry(struct emit_ctx *cx, struct fnsig *f, const char *entry,
			      const char *ret_ip)
{
	struct writer *w = cx->w;
	int nargs = f->nparams < DDV_MAX_ARGS ? f->nparams : DDV_MAX_ARGS;
	const char *test = tree_printf("if (likely(%s(&ddv_call, &%s, %d, %s, %d)))", entry,
				       pack_var(cx->spec), f->index, ret_ip, nargs);
	const char *body = tree_printf("%s(&ddv_call%s)", mangle("ddv_b_", f->symbol),
				       arg_names(f, false));

	if (f->ret_kind == RET_VOID) {
		w_open(w, "%s", test);
		emit_return(w, f, body);
		w_close(w, "");
	} else {
		w_line(w, "%s", test);
		w_nested(w, "return %s;", body);
	}
}

/*
 * One wrapper (compiler/README shows one in full):
 *	static void *ddv_w_kmalloc_trace(struct kmem_cache *s, gfp_t flags, size_t size)
 *	{ inline entry: body; else the rare path }
 * A leak scope's begin or end takes the full entry only, on the rare path; any other
 * call the inline entry, its second chance (ddv_q_*) or the full entry.
 */
static void emit_wrapper(struct emit_ctx *cx, struct fnsig *f)
{
	struct writer *w = cx->w;
	bool after = phase_has(f->contract->body, true);

	if (f->optional)
		w_line(w, "extern %s(%s) __weak;", ret_decl(f, f->symbol), param_list(f, true));
	w_line(w, "/* %s: %s -> %s */", pos_text(&f->pos), f->contract->api, f->symbol);
	w_line(w, "%s;", rare_sig(f, false));
	if (after)
		w_line(w, "%s;", rare_sig(f, true));
	w_blank(w);
	if (after)
		emit_after(cx, f);
	emit_body(cx, f);
	emit_rare_path(cx, f);
	if (!scope_boundary(cx->spec, f)) {
		/*
		 * The inline entry's second chance (ddv_call_enter_dut), else the full
		 * entry. The return address last: the wrapper's arguments stay in
		 * their registers for the jmp (no moves on its usual path to free them).
		 */
		w_line(w, "static DDV_RARE_PATH %s(%s)", ret_decl(f, mangle("ddv_q_", f->symbol)),
		       tree_printf("%s, unsigned long ddv_ret_ip", arg_decls(f, false)) + 2);
		w_block(w);
		w_line(w, "struct ddv_call ddv_call DDV_CALL_NOINIT;");
		w_blank(w);
		emit_inline_entry(cx, f, "ddv_call_enter_dut", "ddv_ret_ip");
		emit_last(w, f, tree_printf("%s(ddv_ret_ip, 0%s)", mangle("ddv_r_", f->symbol),
					    arg_names(f, false)));
		w_close(w, "");
		w_blank(w);
	}
	w_line(w, "static DDV_WRAPPER %s(%s)", ret_decl(f, mangle("ddv_w_", f->symbol)),
	       param_list(f, true));
	w_block(w);
	if (f->variadic)
		emit_va_decls(w, f);
	if (scope_boundary(cx->spec, f) && f->variadic) {
		w_blank(w);
		emit_va_reads(w, f);
	}
	if (!scope_boundary(cx->spec, f)) {
		w_line(w, "struct ddv_call ddv_call DDV_CALL_NOINIT;");
		w_blank(w);
		if (f->variadic)
			emit_va_reads(w, f);
		emit_inline_entry(cx, f, "ddv_call_enter_fast", "_RET_IP_");
		emit_last(w, f, tree_printf("%s(%s)", mangle("ddv_q_", f->symbol),
					    tree_printf("%s, _RET_IP_", arg_names(f, false)) + 2));
	} else {
		emit_last(w, f, tree_printf("%s(_RET_IP_, 0%s)", mangle("ddv_r_", f->symbol),
					    arg_names(f, false)));
	}
	w_close(w, "");
	/* A spec prototype that differs from the kernel's is a build error, not a crash. */
	w_line(w, "_Static_assert(__builtin_types_compatible_p(typeof(&%s), typeof(&%s)),",
	       mangle("ddv_w_", f->symbol), f->symbol);
	w_line(w, "\t       \"%s: the prototype of %s differs from the kernel's\");",
	       pos_text(&f->pos), f->symbol);
	w_blank(w);
}

/* Every function's wrapper, each under its kernel-version guard. */
void emit_wrappers(struct writer *w, struct spec *spec)
{
	struct emit_ctx cx = { .w = w, .spec = spec, .rare_label = NULL };
	bool percpu = false;

	/* The sets of the per-CPU types, which the wrappers and the descriptors name. */
	for (struct type_decl *t = spec->types; t; t = t->next) {
		if (!t->percpu)
			continue;
		w_line(w, "static DEFINE_PER_CPU(struct ddv_pcpu_set, %s);", pcpu_var(t));
		percpu = true;
	}
	if (percpu)
		w_blank(w);
	/* The guard of the chains of ifs, which the wrappers and the descriptors name. */
	bool chains = false;

	for (struct contract *c = spec->contracts; c; c = c->next)
		chains |= chains_any(c->body);
	if (chains) {
		/* Unused when every chain is the if of a run of checks (emit_run_if). */
		w_line(w, "static u8 " CHAIN_GUARD " __maybe_unused;");
		w_blank(w);
	}

	for (struct fnsig *f = spec->funcs; f; f = f->next_in_pack) {
		const char *guard = version_guard(f);

		if (guard)
			w_pp(w, "#if %s", guard);
		emit_wrapper(&cx, f);
		if (guard) {
			w_pp(w, "#endif");
			w_blank(w);
		}
	}
}
