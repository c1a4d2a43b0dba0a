/* emit_doc.c: writes the review document (Markdown): per API its prototypes, failure modes, rules and spec lines. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "compiler/ddvc.h"
#include "compiler/parser.h"

/* Expressions back in the spec's own syntax. */
void doc_expr(FILE *out, const struct expr *e)
{
	switch (e->kind) {
	case E_NUM:
	case E_NAME:
		fputs(e->text, out);
		break;
	case E_STR:
		fprintf(out, "\"%s\"", e->text);
		break;
	case E_CALL:
		fprintf(out, "%s(", e->text);
		for (struct expr *a = e->args; a; a = a->next) {
			doc_expr(out, a);
			if (a->next)
				fputs(", ", out);
		}
		fputc(')', out);
		break;
	case E_UNARY:
		fputs(op_text(e->op), out);
		doc_expr(out, e->a);
		break;
	case E_POSTFIX:
		doc_expr(out, e->a);
		fputs(op_text(e->op), out);
		break;
	case E_BINARY:
		fputc('(', out);
		doc_expr(out, e->a);
		fprintf(out, " %s ", op_text(e->op));
		doc_expr(out, e->b);
		fputc(')', out);
		break;
	case E_COND:
		fputc('(', out);
		doc_expr(out, e->a);
		fputs(" ? ", out);
		doc_expr(out, e->b);
		fputs(" : ", out);
		doc_expr(out, e->c);
		fputc(')', out);
		break;
	case E_CAST:
		fprintf(out, "(%s)", e->text);
		doc_expr(out, e->a);
		break;
	case E_MEMBER:
		doc_expr(out, e->a);
		fprintf(out, "%s%s", e->op == TOK_ARROW ? "->" : ".", e->text);
		break;
	case E_SIZEOF:
		fprintf(out, "sizeof(%s)", e->text);
		break;
	case E_OBJ:
		fprintf(out, "%s[", e->text);
		doc_expr(out, e->a);
		fputc(']', out);
		break;
	case E_FIELD:
		doc_expr(out, e->a);
		fprintf(out, ".%s", e->text);
		break;
	case E_ERROR:
		fputs("?", out);
		break;
	}
}

static void doc_obj(FILE *out, const struct objref *r)
{
	fprintf(out, "%s[", r->type_name);
	if (r->key)
		doc_expr(out, r->key);
	fputc(']', out);
}

/* " — cites Documentation/x.rst: Section; kerneldoc of f()" */
static void doc_cites(FILE *out, const struct cite *c, const char *lead)
{
	if (!c)
		return;
	fputs(lead, out);
	for (; c; c = c->next)
		fprintf(out, "%s%s", c->text, c->next ? "; " : "");
}

static void doc_msg(FILE *out, const struct msg *m)
{
	static const char *const sev[] = { "error", "warning", "note" };

	if (!m)
		return;
	fprintf(out, " — %s `%s`: \"%s\"", sev[m->severity], m->rule_id, m->text);
	doc_cites(out, m->cites, " — cites ");
}

static void doc_stmts(FILE *out, const struct stmt *s, int depth)
{
	for (; s; s = s->next) {
		fprintf(out, "%*s- ", depth * 2, "");
		switch (s->kind) {
		case S_CHECK:
		case S_REQUIRE:
			fputs(s->kind == S_CHECK ? "check `" : "require `", out);
			doc_expr(out, s->cond);
			fputc('`', out);
			break;
		case S_CREATE:
			fputs("create `", out);
			doc_obj(out, &s->obj);
			for (const struct field_init *i = s->inits; i; i = i->next) {
				fprintf(out, "%s%s = ", i == s->inits ? " { " : " ", i->field);
				doc_expr(out, i->value);
				fputs(i->next ? ";" : "; }", out);
			}
			if (s->name)
				fprintf(out, " state %s", s->name);
			fputc('`', out);
			break;
		case S_DESTROY:
			fputs("destroy `", out);
			doc_obj(out, &s->obj);
			fputc('`', out);
			break;
		case S_SET_STATE:
		case S_SET_FIELD:
			fputs("set `", out);
			doc_obj(out, &s->obj);
			fprintf(out, ".%s = ", s->kind == S_SET_STATE ? "state" : s->name);
			if (s->kind == S_SET_STATE)
				fputs(s->name, out);
			else
				doc_expr(out, s->value);
			fputc('`', out);
			break;
		case S_ADJUST:
			fputs("adjust `", out);
			doc_obj(out, &s->obj);
			fprintf(out, ".%s` by `", s->name);
			doc_expr(out, s->value);
			fputs("` within `", out);
			doc_expr(out, s->lo);
			fputs("..", out);
			doc_expr(out, s->hi);
			fputc('`', out);
			break;
		case S_MANAGED:
			fputs("managed `", out);
			doc_obj(out, &s->obj);
			fputs("` by `", out);
			doc_expr(out, s->value);
			fputs("` (devres releases it with the device's resources)", out);
			break;
		case S_TRANSFER:
			fputs("transfer `", out);
			doc_obj(out, &s->obj);
			fprintf(out, "` (ownership leaves the driver: %s)", s->why);
			break;
		case S_AFTER:
		case S_IF:
			fputs(s->kind == S_AFTER ? "after the call" : "if", out);
			if (s->cond) {
				fputs(s->kind == S_AFTER ? ", if `" : " `", out);
				doc_expr(out, s->cond);
				fputc('`', out);
			}
			break;
		case S_IF_KERNEL:
			fprintf(out, "on kernels %s %s", s->kernel_op == TOK_GE ? ">=" : "<", s->version);
			break;
		case S_FOREACH:
			fprintf(out, "for each `%s[%s]` inside `", s->obj.type_name, s->var);
			doc_obj(out, &s->in);
			fputc('`', out);
			break;
		}
		doc_msg(out, s->msg);
		if (s->proven_by)
			fprintf(out, " — cannot fail: the %s at %d:%d proves it",
				s->proven_by->kind == S_AFTER ? "`after`" :
				s->proven_by->kind == S_FOREACH ? "`foreach`" : "`if`",
				s->proven_by->pos.first_line, s->proven_by->pos.first_column);
		fprintf(out, " (%s)\n", pos_text(&s->pos));
		doc_stmts(out, s->body, depth + 1);
		if (s->else_body) {
			fprintf(out, "%*s- otherwise\n", depth * 2, "");
			doc_stmts(out, s->else_body, depth + 1);
		}
	}
}

/* " Fails with: `NULL` `ERR_PTR(-ENOMEM)`[, only when `COND`]." */
static void doc_fails(FILE *out, const struct contract *c)
{
	fputs(" Fails with:", out);
	for (struct fail_value *v = c->fails; v; v = v->next) {
		fputs(" `", out);
		if (v->kind == FAIL_NULL)
			fputs("NULL", out);
		else if (v->kind == FAIL_ERR_PTR)
			fputs("ERR_PTR(", out);
		if (v->kind != FAIL_NULL)
			doc_expr(out, v->value);
		fputs(v->kind == FAIL_ERR_PTR ? ")`" : "`", out);
	}
	if (c->fail_cond) {
		fputs(", only when `", out);
		doc_expr(out, c->fail_cond);
		fputc('`', out);
	}
	fputc('.', out);
}

/* The other packs' types the rules use (`import PACK;`). */
static void doc_imported(FILE *out, const struct spec *spec)
{
	if (spec->nimported)
		fprintf(out, "\nImported (their rules and leak messages are their packs'):");
	for (int i = 0; i < spec->nimported; i++)
		fprintf(out, " `%s` of pack %s (%s)%s", spec->imported[i]->name,
			spec->imported[i]->from->pack, pos_text(&spec->imported[i]->pos),
			i + 1 < spec->nimported ? "," : "\n");
}

int emit_doc(struct spec *spec, FILE *out)
{
	static const char *const cls[] = { "none (never injected)", "generic", "allocation",
					   "trylock", "blocking lock" };

	fprintf(out, "# ddv rule pack `%s` %s\n\n", spec->pack, spec->version);
	fprintf(out, "Generated by ddvc from the specs for review against the kernel's documentation.\n\n");
	fprintf(out, "Headers:");
	for (struct include *i = spec->includes; i; i = i->next)
		fprintf(out, " `%s`", i->header);
	fprintf(out, "\n\n## Object types\n\n");
	fprintf(out, "| type | key | fields | states | flags | leak message | spec |\n");
	fprintf(out, "| --- | --- | --- | --- | --- | --- | --- |\n");
	for (struct type_decl *t = spec->types; t; t = t->next) {
		fprintf(out, "| `%s` | `%s` | ", t->name, t->key_type);
		for (int i = 0; i < t->nfields; i++)
			fprintf(out, "%s`%s : %s`%s", i ? ", " : "", t->fields[i]->name, t->fields[i]->ctype,
				i == t->size_field ? " (extent)" : "");
		fputs(" | ", out);
		for (int i = 0; i < t->nstates; i++)
			fprintf(out, "%s`%s`", i ? ", " : "", t->states[i]->name);
		fprintf(out, " | %s", t->contained ? "contained" : t->percpu ? "percpu" : "");
		if (t->active) {
			fprintf(out, "%sactive while `", t->contained ? ", " : "");
			doc_expr(out, t->active->cond);
			fputc('`', out);
			if (t->active->msg) {
				fprintf(out, " (freed while active: `%s`: \"%s\"",
					t->active->msg->rule_id, t->active->msg->text);
				doc_cites(out, t->active->msg->cites, " — cites ");
				fputc(')', out);
			}
		}
		fputs(" | ", out);
		if (t->leak) {
			fprintf(out, "`%s`: \"%s\"%s", t->leak->rule_id, t->leak->text,
				t->active ? " (only while active)" : "");
			doc_cites(out, t->leak->cites, " — cites ");
		}
		fprintf(out, " | %s |\n", pos_text(&t->pos));
	}
	doc_imported(out, spec);
	fprintf(out, "\n## Contracts\n");
	for (struct contract *c = spec->contracts; c; c = c->next) {
		fprintf(out, "\n### %s\n\n", c->api);
		for (struct fnsig *f = c->fns; f; f = f->next) {
			fprintf(out, "- `%s%s%s(", f->ret_type,
				f->ret_type[0] && f->ret_type[strlen(f->ret_type) - 1] == '*' ? "" : " ",
				f->symbol);
			if (!f->params)
				fputs("void", out);
			for (struct param *p = f->params; p; p = p->next)
				fprintf(out, "%s%s", p->decl, p->next ? ", " : "");
			fprintf(out, "%s)`%s", f->variadic ? ", ..." : "", f->optional ? " optional" : "");
			if (f->since)
				fprintf(out, " since %s", f->since);
			if (f->before)
				fprintf(out, " before %s", f->before);
			fprintf(out, " (%s)\n", pos_text(&f->pos));
		}
		if (c->cites) {
			fputs("\nCites:\n\n", out);
			for (const struct cite *ci = c->cites; ci; ci = ci->next)
				fprintf(out, "- %s (%s)\n", ci->text, pos_text(&ci->pos));
		}
		fputs("\nMay sleep: ", out);
		if (!c->may_sleep) {
			fputs("no", out);
		} else {
			fputs("yes", out);
			if (c->sleep_cond) {
				fputs(", when `", out);
				doc_expr(out, c->sleep_cond);
				fputc('`', out);
			}
			fprintf(out, " (a call in atomic context is `%s`)", c->sleep_msg->rule_id);
		}
		fprintf(out, ". Injection class: %s.", cls[c->fault_class]);
		if (c->fails)
			doc_fails(out, c);
		for (struct clause *cl = c->clauses; cl; cl = cl->next) {
			if (cl->kind != CL_WRITES)
				continue;
			fputs(" On an injected failure it stores `", out);
			doc_expr(out, cl->target);
			fputs(" = ", out);
			doc_expr(out, cl->value);
			fputs("`.", out);
		}
		if (c->alloc_size) {
			fputs(" Allocation size: `", out);
			doc_expr(out, c->alloc_size);
			fprintf(out, "`%s.", c->contig ? ", physically contiguous" : "");
		}
		fputs("\n\nRules:\n\n", out);
		if (!c->body)
			fputs("- none\n", out);
		doc_stmts(out, c->body, 0);
	}
	if (spec->scopes)
		fprintf(out, "\n## Leak scopes\n\n");
	for (struct scope *s = spec->scopes; s; s = s->next) {
		fprintf(out, "- `%s`: objects of `%s` counted from `%s` to `%s`: `%s` \"%s\"",
			s->name, s->type->name, s->begin->symbol, s->end->symbol, s->msg->rule_id,
			s->msg->text);
		doc_cites(out, s->msg->cites, " — cites ");
		fprintf(out, " (%s)\n", pos_text(&s->pos));
	}
	return ferror(out) ? EIO : 0;
}
