/*
 * emit_pack.c: the pack's C around the wrappers (emit_c.c): the descriptor
 * tables, the catalog, the pack and its module init; and the pack's Kbuild.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "compiler/ddvc.h"

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

/*
 * A type's active condition, which ddv.ko calls (struct ddv_type_desc's
 * active) on an object of the type found in memory being freed, and on one
 * still owned at unload:
 *	static notrace bool ddv_active_timer(u64 ddv_key, const u64 *ddv_fields)
 *	{
 *		return timer_pending(((struct timer_list *)(unsigned long)ddv_key));
 *	}
 */
static void emit_active_funcs(struct writer *w, struct spec *spec)
{
	for (struct type_decl *t = spec->types; t; t = t->next) {
		if (!t->active)
			continue;
		w_line(w, "/* %s: %s, while active */", pos_text(&t->active->pos), t->name);
		w_line(w, "static notrace bool %s(u64 ddv_key, const u64 *ddv_fields)",
		       mangle("ddv_active_", t->name));
		w_block(w);
		w_printf(w, "return ");
		emit_expr(w, t->active->cond);
		w_printf(w, ";\n");
		w_close(w, "");
		w_blank(w);
	}
}

static void emit_types(struct writer *w, struct spec *spec)
{
	emit_active_funcs(w, spec);
	w_open(w, "static const struct ddv_type_desc ddv_types[%d] =",
	       spec->ntypes ? spec->ntypes : 1);
	for (struct type_decl *t = spec->types; t; t = t->next) {
		emit_desc_comment(w, t->index, t->name, &t->pos);
		w_open(w, "[%d] =", t->index);
		w_line(w, ".nfields = %d,", t->nfields);
		w_line(w, ".nstates = %d,", t->nstates);
		w_line(w, ".flags = %s,", t->contained ? "DDV_TYPE_CONTAINED" :
		       t->percpu ? "DDV_TYPE_PERCPU" : "0");
		w_line(w, ".leak_msg = %d,", t->leak ? t->leak->index : 0);
		w_line(w, ".size_field = %d,", t->size_field);
		if (t->active) {
			w_line(w, ".active = %s,", mangle("ddv_active_", t->name));
			w_line(w, ".active_msg = %d,", t->active->msg ? t->active->msg->index : 0);
		}
		if (t->percpu)
			w_line(w, ".pcpu = &%s,", pcpu_var(t));
		if (t->chained)
			w_line(w, ".chain_guard = &" CHAIN_GUARD ",");
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

/* "A | B", or B alone when flags is "0". */
static const char *or_flag(const char *flags, const char *flag)
{
	return strcmp(flags, "0") ? tree_printf("%s | %s", flags, flag) : flag;
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
	w_open(w, "static const struct ddv_func_desc ddv_funcs[%d] =",
	       spec->nfuncs ? spec->nfuncs : 1);
	for (struct fnsig *f = spec->funcs; f; f = f->next_in_pack) {
		struct contract *c = f->contract;
		int nargs = f->nparams < DDV_MAX_ARGS ? f->nparams : DDV_MAX_ARGS;
		const char *guard = version_guard(f);
		const char *flags = "0";

		emit_desc_comment(w, f->index, tree_printf("%s (%s)", f->symbol, c->api), &f->pos);
		w_open(w, "[%d] =", f->index);
		w_printf(w, ".symbol = ");
		w_cstring(w, f->symbol);
		w_printf(w, ",\n.api = ");
		w_cstring(w, c->api);
		w_printf(w, ",\n");
		if (guard)
			w_pp(w, "#if %s", guard);
		w_line(w, ".wrapper = %s,", mangle("ddv_w_", f->symbol));
		w_line(w, ".original = %s,", f->symbol);
		if (guard)
			w_pp(w, "#endif");
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
			flags = or_flag(flags, "DDV_FUNC_OPTIONAL");
		if (f->ret_kind == RET_PTR)
			flags = or_flag(flags, "DDV_FUNC_RET_PTR");
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
	w_indent(w);
	for (p = text; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p) - 1;
		w_cstring(w, tree_strndup(p, (size_t)(nl - p) + 1));
		w_printf(w, "%s\n", nl[1] ? "" : ";");
	}
	w_dedent(w);
	w_blank(w);
	return 0;
}

/*
 * The types of other packs the rules use (`import PACK;`): each one's pack and
 * catalog line after "type N ", which ddv.ko finds in that pack at registration.
 */
static void emit_imports_table(struct writer *w, struct spec *spec)
{
	if (!spec->nimported)
		return;
	w_open(w, "static struct ddv_import ddv_imports[%d] =", spec->nimported);
	for (int i = 0; i < spec->nimported; i++) {
		const struct type_decl *t = spec->imported[i];
		char *line = tree_printf("%s fields=", t->name);

		for (int f = 0; f < t->nfields; f++)
			line = tree_printf("%s%s%s", line, f ? "," : "", t->fields[f]->name);
		line = tree_printf("%s%s states=", line, t->nfields ? "" : "-");
		for (int n = 0; n < t->nstates; n++)
			line = tree_printf("%s%s%s", line, n ? "," : "", t->states[n]->name);
		line = tree_printf("%s%s", line, t->nstates ? "" : "-");
		emit_desc_comment(w, i, tree_printf("%s.%s", t->from->pack, t->name), &t->pos);
		w_printf(w, "[%d] = { .pack = ", i);
		w_cstring(w, t->from->pack);
		w_printf(w, ", .type = ");
		w_cstring(w, line);
		w_printf(w, " },\n");
	}
	w_close(w, ";");
	w_blank(w);
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
	emit_wrappers(&w, spec);
	emit_types(&w, spec);
	emit_msgs_table(&w, spec);
	emit_funcs_table(&w, spec);
	emit_scopes_table(&w, spec);
	emit_imports_table(&w, spec);
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
	if (spec->nimported)
		w_line(&w, ".imports = ddv_imports,");
	w_line(&w, ".ntypes = %d,", spec->ntypes);
	w_line(&w, ".nmsgs = %d,", spec->nmsgs + 1);
	w_line(&w, ".nfuncs = %d,", spec->nfuncs);
	w_line(&w, ".nscopes = %d,", nscopes);
	if (spec->nimported)
		w_line(&w, ".nimports = %d,", spec->nimported);
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
	w_cstring(&w, tree_printf("ddv rule pack %s %s (generated by ddvc)", spec->pack,
				  spec->version));
	w_printf(&w, ");\n");
	return ferror(out) ? EIO : 0;
}

/* Kbuild for the pack module: ddv-<pack>.ko from <pack>.c. */
int emit_kbuild(struct spec *spec, FILE *out)
{
	struct writer w;

	w_init(&w, out);
	w_line(&w, "# Kbuild: builds the ddv rule pack %s as ddv-%s.ko; "
	       "generated by ddvc, do not edit.", spec->pack, spec->pack);
	w_line(&w, "obj-m += ddv-%s.o", spec->pack);
	w_line(&w, "ddv-%s-y := %s.o", spec->pack, spec->pack);
	/*
	 * The kernel's Makefile turns sibling calls off with frame pointers; a
	 * wrapper that counted its exit would then call the original, and an
	 * original that sleeps would be in the pack's text after drain() let it go.
	 */
	w_line(&w, "# Sibling calls on, whatever the kernel's config: a wrapper whose rules are done "
	       "before the original counts its untraced exit, then must jmp to it, never call it "
	       "(ddv/fastpath.h ddv_call_exit_before).");
	w_line(&w, "# DDV_SRCDIR: the ddv source tree "
	       "(runtime/local.mk passes it; default: beside generated/).");
	w_line(&w, "DDV_SRCDIR ?= $(src)/..");
	w_line(&w, "ccflags-y += -I$(DDV_SRCDIR)/runtime/include -foptimize-sibling-calls");
	return ferror(out) ? EIO : 0;
}
