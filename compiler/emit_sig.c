/*
 * emit_sig.c: the C of a probed function's signature and calls, for emit_c.c's
 * wrappers: prototypes, parameter and argument lists (with a variadic
 * function's words), returns, the call of the original or its injected
 * failure, a lock's contention delay.
 */
#include "config.h"

#include <string.h>

#include "compiler/ddvc.h"

/* A parameter that the rules after the call read (the resumed call needs it). */
static bool after_uses(const struct stmt *s, const char *name)
{
	for (; s; s = s->next)
		if (s->kind == S_IF_KERNEL ?
		    after_uses(s->body, name) || after_uses(s->else_body, name) :
		    s->kind == S_AFTER && stmt_names(s, name))
			return true;
	return false;
}

const char *ret_decl(const struct fnsig *f, const char *name)
{
	const char *t = f->ret_type;

	return tree_printf("%s%s%s", t, t[strlen(t) - 1] == '*' ? "" : " ", name);
}

/*
 * A variadic function's words: ", ddv_va[0], ..., ddv_va[7]" (decls: ", unsigned long
 * ddv_va0, ..."), read from its "..." by the wrapper, passed down to the original.
 */
const char *va_words(const struct fnsig *f, bool decls)
{
	const char *s = "";

	for (int i = 0; f->variadic && i < DDVC_VA_WORDS; i++)
		s = tree_printf("%s, %sddv_va%d", s, decls ? "unsigned long " : "", i);
	return s;
}

void emit_call_original(struct writer *w, const struct fnsig *f, bool assign)
{
	if (assign && f->ret_kind != RET_VOID)
		w_printf(w, "ret = ");
	w_printf(w, "%s(", f->symbol);
	for (struct param *p = f->params; p; p = p->next)
		w_printf(w, "%s%s", p->name, p->next ? ", " : "");
	w_printf(w, "%s);\n", va_words(f, false));
}

/* "return original(...);", or for a void function "original(...);" and "return;". */
void emit_return_original(struct writer *w, const struct fnsig *f)
{
	if (f->ret_kind != RET_VOID)
		w_printf(w, "return ");
	emit_call_original(w, f, false);
	if (f->ret_kind == RET_VOID)
		w_line(w, "return;");
}

/* The prototype's parameters: with "..." for the wrapper, with the words for the rest. */
const char *param_list(const struct fnsig *f, bool wrapper)
{
	const char *s = "";

	if (!f->params)
		return "void";
	for (struct param *p = f->params; p; p = p->next)
		s = tree_printf("%s%s%s", s, p->decl, p->next ? ", " : "");
	if (wrapper)
		return f->variadic ? tree_printf("%s, ...", s) : s;
	return tree_printf("%s%s", s, va_words(f, true));
}

/*
 * ", size, flags", or with decls ", size_t size, gfp_t flags": the parameters
 * (with after, only those the rules after the call read, never the variadic words).
 */
const char *arg_list(const struct fnsig *f, bool after, bool decls)
{
	const char *s = "";

	for (struct param *p = f->params; p; p = p->next)
		if (!after || after_uses(f->contract->body, p->name))
			s = tree_printf("%s, %s", s, decls ? p->decl : p->name);
	return after ? s : tree_printf("%s%s", s, va_words(f, decls));
}

/* "return X;", or for a void function "X;\n return;" */
void emit_return(struct writer *w, const struct fnsig *f, const char *what)
{
	if (f->ret_kind == RET_VOID) {
		w_line(w, "%s;", what);
		w_line(w, "return;");
	} else {
		w_line(w, "return %s;", what);
	}
}

/* A function's last statement: "return X;", or for a void function "X;". */
void emit_last(struct writer *w, const struct fnsig *f, const char *what)
{
	w_line(w, "%s%s;", f->ret_kind == RET_VOID ? "" : "return ", what);
}

/* "ddv_call_exit(ddv_call, (u64)(unsigned long)ret);\n return ret;" (void: 0, "return;") */
void emit_exit(struct writer *w, const struct fnsig *f)
{
	bool is_void = f->ret_kind == RET_VOID;

	w_line(w, "ddv_call_exit(ddv_call, %s);", is_void ? "0" : "(u64)(unsigned long)ret");
	w_line(w, is_void ? "return;" : "return ret;");
}

/*
 * A variadic wrapper reads DDVC_VA_WORDS words of its "...", whatever the caller
 * passed: on x86-64 va_arg reads the register save area, then the caller's frame.
 * The original reads as many as its format names (ddv-rules(5): Variadic functions).
 *	unsigned long ddv_va0, ..., ddv_va7;
 *	va_list ddv_ap;
 *
 *	va_start(ddv_ap, fmt);
 *	ddv_va0 = va_arg(ddv_ap, unsigned long);
 *	...
 *	va_end(ddv_ap);
 */
void emit_va_decls(struct writer *w, const struct fnsig *f)
{
	w_line(w, "unsigned long %s;", va_words(f, false) + 2);
	w_line(w, "va_list ddv_ap;");
}

void emit_va_reads(struct writer *w, const struct fnsig *f)
{
	const struct param *last = f->params;

	while (last->next)
		last = last->next;
	w_line(w, "va_start(ddv_ap, %s);", last->name);
	for (int i = 0; i < DDVC_VA_WORDS; i++)
		w_line(w, "ddv_va%d = va_arg(ddv_ap, unsigned long);", i);
	w_line(w, "va_end(ddv_ap);");
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
 * An injected failure or the original call (fails ... if COND: ddv_should_fail_if):
 *	switch (ddv_should_fail(ddv_call, (u64)(size), DDV_CONTIG)) {
 *	case DDV_FAIL_RARE: goto ddv_restart;
 *	case 1: [what the failure writes;] ret = NULL; break;
 *	default: ret = kmalloc_trace(s, flags, size); break;
 *	}
 */
void emit_injection(struct writer *w, const struct fnsig *f)
{
	const struct contract *c = f->contract;
	int i = 1;

	w_printf(w, "switch (ddv_should_fail%s(ddv_call, ", c->fail_cond ? "_if" : "");
	if (c->fail_cond) {
		emit_expr(w, c->fail_cond);
		w_printf(w, ", ");
	}
	if (c->alloc_size) {
		w_printf(w, "(u64)(");
		emit_expr(w, c->alloc_size);
		w_printf(w, ")");
	} else {
		w_printf(w, "0");
	}
	w_open(w, ", %s))", c->contig ? "DDV_CONTIG" : "0");
	w_label(w, "case DDV_FAIL_RARE:");
	w_line(w, "goto ddv_restart;");
	for (struct fail_value *fv = c->fails; fv; fv = fv->next, i++) {
		w_label(w, "case %d:", i);
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
	w_label(w, "default:");
	emit_call_original(w, f, true);
	w_line(w, "break;");
	w_close(w, "");
}

/*
 * A blocking lock (class lock, nothing to fail): lock-contention mode may
 * delay it in ddv.ko before the original takes the lock.
 *	if (ddv_should_fail(ddv_call, 0, 0) == DDV_FAIL_RARE)
 *		goto ddv_restart;
 */
void emit_contention(struct writer *w)
{
	w_line(w, "if (ddv_should_fail(ddv_call, 0, 0) == DDV_FAIL_RARE)");
	w_nested(w, "goto ddv_restart;");
}
