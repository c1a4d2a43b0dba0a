/*
 * emit_catalog.c: writes the pack's catalog, the one home of its names: the
 * types' fields and states, the functions' arguments, the messages' rule ids,
 * texts and spec positions. The descriptor tables in the pack module hold
 * indices and counts only; the ddv command decodes the binary log with this
 * text. It travels inside the pack module (emit_c.c writes it as ddv_catalog,
 * section DDV_CATALOG_SECTION), and `ddvc catalog` prints it.
 *
 * The format, one record a line (the ddv command parses it; change it only
 * with DDV_CATALOG_FORMAT, the number in the first line):
 *
 *	# ddv message catalog 1
 *	pack <name> <version>+<digest of the catalog: see seal_version()>
 *	type <idx> <name> fields=<a,b|-> states=<S1,S2|->
 *	func <idx> <symbol> <api> <file:line:col> args=<n1,n2|-> ret=<ptr|int|void|u64>
 *	msg <idx> <rule-id> <error|warning|note> <file:line:col> args=<n1,n2|-> <text to end of line>
 *
 * Indices are the pack-local ones of the generated tables; message 0 is
 * reserved and not listed. A type's leak message carries the key, then every
 * field. Texts hold {name} placeholders for the record's arguments; a newline
 * or backslash in a text is written as \n or \\ so that a record stays one line.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "compiler/ddvc.h"

static const char *const severity_names[] = { "error", "warning", "note" };

const char *ret_kind_name(enum ret_kind k)
{
	static const char *const names[] = { "void", "ptr", "int", "u64" };

	return names[k];
}

static void list(FILE *out, const char *key, const char *const *names, int n)
{
	fprintf(out, " %s=", key);
	if (!n)
		fputc('-', out);
	for (int i = 0; i < n; i++)
		fprintf(out, "%s%s", i ? "," : "", names[i]);
}

static void one_line(FILE *out, const char *text)
{
	for (; *text; text++) {
		if (*text == '\n')
			fputs("\\n", out);
		else if (*text == '\\')
			fputs("\\\\", out);
		else
			fputc(*text, out);
	}
}

int emit_catalog(struct spec *spec, FILE *out)
{
	fprintf(out, "# ddv message catalog %d\n", DDV_CATALOG_FORMAT);
	fprintf(out, "pack %s %s\n", spec->pack, spec->version);
	for (struct type_decl *t = spec->types; t; t = t->next) {
		const char *f[DDV_MAX_FIELDS];
		const char **s = tree_alloc((t->nstates + 1) * sizeof(*s));

		for (int i = 0; i < t->nfields; i++)
			f[i] = t->fields[i]->name;
		for (int i = 0; i < t->nstates; i++)
			s[i] = t->states[i]->name;
		fprintf(out, "type %d %s", t->index, t->name);
		list(out, "fields", f, t->nfields);
		list(out, "states", s, t->nstates);
		fputc('\n', out);
	}
	for (struct fnsig *fn = spec->funcs; fn; fn = fn->next_in_pack) {
		const char *a[DDV_MAX_ARGS];
		int n = 0;

		for (struct param *p = fn->params; p && n < DDV_MAX_ARGS; p = p->next)
			a[n++] = p->name;
		fprintf(out, "func %d %s %s %s", fn->index, fn->symbol, fn->contract->api,
			pos_text(&fn->pos));
		list(out, "args", a, n);
		fprintf(out, " ret=%s\n", ret_kind_name(fn->ret_kind));
	}
	for (struct msg *m = spec->msgs; m; m = m->next_in_pack) {
		fprintf(out, "msg %d %s %s %s", m->index, m->rule_id, severity_names[m->severity],
			pos_text(&m->pos));
		list(out, "args", m->args, m->nargs);
		fputc(' ', out);
		one_line(out, m->text);
		fputc('\n', out);
	}
	return ferror(out) ? EIO : 0;
}

/* The catalog as one string in the arena, for the digest and the pack module; NULL on failure. */
const char *catalog_text(struct spec *spec, size_t *len)
{
	char *text = NULL;
	size_t size = 0;
	FILE *mem = open_memstream(&text, &size);
	const char *copy;
	int err;

	if (!mem)
		return NULL;
	err = emit_catalog(spec, mem);
	if (fclose(mem) || err) {
		free(text);
		return NULL;
	}
	copy = tree_strndup(text, size);
	free(text);
	*len = size;
	return copy;
}

/*
 * Seals the pack's version with a digest of its catalog: "1.0" becomes
 * "1.0+1a2b3c4d" in the pack's tables and in its catalog alike, so the ddv
 * command can tell a catalog that does not match the loaded module (message
 * indices shift with every spec edit) instead of naming the wrong rules.
 */
int seal_version(struct spec *spec)
{
	uint32_t hash = 2166136261u;	/* FNV-1a */
	size_t size = 0;
	const char *text = catalog_text(spec, &size);

	if (!text)
		return errno ? errno : EIO;
	for (size_t i = 0; i < size; i++)
		hash = (hash ^ (unsigned char)text[i]) * 16777619u;
	spec->version = tree_printf("%s+%08x", spec->version, hash);
	return 0;
}
