/*
 * emit_expr.c: the C of the rules' expressions, for the emitters: emit_expr,
 * emit_cond (a condition), expr_c (an expression's C as a string) and
 * key_shareable (a key the same C always gives in one call).
 */
#define _GNU_SOURCE
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/ddvc.h"
#include "compiler/parser.h"

static bool is_current_task(const struct expr *e)
{
	return e->kind == E_NAME && e->ref == REF_CURRENT;
}

/*
 * One side of a binary operator. current_task is a u64; a field declared as a
 * pointer (holder : struct task_struct *) compared with it is compared as a
 * u64 too, so that either declaration works:
 *	((u64)(unsigned long)(((struct task_struct *)(unsigned long)ddv_o0.fields[0])) == ddv_current_task())
 */
static void emit_operand(struct writer *w, const struct expr *bin, const struct expr *e)
{
	const struct expr *other = e == bin->a ? bin->b : bin->a;
	bool compare = bin->op == TOK_EQ || bin->op == TOK_NE;

	if (!compare || !is_current_task(other) || is_current_task(e)) {
		emit_expr(w, e);
		return;
	}
	w_printf(w, "(u64)(unsigned long)(");
	emit_expr(w, e);
	w_printf(w, ")");
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
		else if (e->ref == REF_CURRENT)
			w_printf(w, "ddv_current_task()");
		else if (e->ref == REF_DRIVER)
			w_printf(w, "ddv_current_driver(ddv_call)");
		else if (e->ref == REF_KEY)
			w_printf(w, "((%s)(unsigned long)ddv_key)", e->type->key_type);
		else if (e->ref == REF_FIELD && e->type->fields[e->index]->counter)
			w_printf(w, "((s64)ddv_fields[%d])", e->index);
		else if (e->ref == REF_FIELD)
			w_printf(w, "((%s)(unsigned long)ddv_fields[%d])",
				 e->type->fields[e->index]->ctype, e->index);
		else
			w_printf(w, "%s", e->text);
		break;
	case E_CALL:
		/* A built-in that asks the call record: ddv_in_driver(ddv_call, (u64)(unsigned long)(p)) */
		if (!strcmp(e->text, DDVC_IN_DRIVER) && e->args) {
			w_printf(w, "%s(ddv_call, (u64)(unsigned long)(", e->text);
			emit_expr(w, e->args);
			w_printf(w, "))");
			break;
		}
		w_printf(w, "%s(", e->text);
		for (struct expr *a = e->args; a; a = a->next) {
			/* ddv_key() takes words: pointers or integers, as a key does */
			if (!strcmp(e->text, DDVC_PAIR_KEY)) {
				w_printf(w, "(u64)(unsigned long)(");
				emit_expr(w, a);
				w_printf(w, ")");
			} else {
				emit_expr(w, a);
			}
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
		emit_operand(w, e, e->a);
		w_printf(w, " %s ", op_text(e->op));
		emit_operand(w, e, e->b);
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
void emit_cond(struct writer *w, const struct expr *e)
{
	if (e->kind != E_BINARY) {
		emit_expr(w, e);
		return;
	}
	emit_operand(w, e, e->a);
	w_printf(w, " %s ", op_text(e->op));
	emit_operand(w, e, e->b);
}

/* The C of an expression, in memory (freed by the caller). */
char *expr_c(const struct expr *e)
{
	struct writer w;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	w_init(&w, f);
	emit_expr(&w, e);
	fclose(f);
	return text;
}

/* A key that reads neither the store nor a predicate: the same C gives the same key. */
bool key_shareable(const struct expr *e)
{
	if (!e)
		return true;
	if (e->kind == E_CALL && !strcmp(e->text, DDVC_PAIR_KEY))
		return key_shareable(e->args) && key_shareable(e->args->next);
	if (e->kind == E_CALL || e->kind == E_OBJ || e->kind == E_FIELD || e->kind == E_ERROR)
		return false;
	return key_shareable(e->a) && key_shareable(e->b) && key_shareable(e->c);
}

bool asks_in_driver(const struct expr *e)
{
	if (!e)
		return false;
	if (e->kind == E_CALL && !strcmp(e->text, DDVC_IN_DRIVER))
		return true;
	for (const struct expr *a = e->args; a; a = a->next)
		if (asks_in_driver(a))
			return true;
	return asks_in_driver(e->a) || asks_in_driver(e->b) || asks_in_driver(e->c);
}
