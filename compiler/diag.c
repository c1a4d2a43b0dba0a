/* diag.c: diagnostics "file:line:col: error: message [id]" with the source line and a caret range. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "compiler/ddvc.h"
#include "lib/caret.h"

#define SHOW_MAX 160	/* a longer line is shown as a window this wide around the error */

static const char *const diag_names[] = {
#define X(name, text) text,
	DDVC_DIAGS(X)
#undef X
};

static struct srcfile *sources;
static int errors;
static FILE *stream;

void diag_reset(void)
{
	sources = NULL;
	errors = 0;
}

void diag_set_stream(FILE *out)
{
	stream = out;
}

void diag_add_source(struct srcfile *f)
{
	f->next = sources;
	sources = f;
}

int diag_error_count(void)
{
	return errors;
}

const char *diag_id_name(enum ddvc_diag_id id)
{
	return id < DIAG_COUNT ? diag_names[id] : "?";
}

/*
 * The source line and a caret range under pos. Columns count bytes (the
 * lexer's); a 10 MB line is shown as a window around the error.
 */
static void show_line(FILE *out, const struct srcpos *pos)
{
	static const struct caret_style style = { .window = SHOW_MAX };
	const struct srcfile *f;

	for (f = sources; f && f->name != pos->file; f = f->next)
		;
	if (!f || pos->first_line < 1)
		return;
	caret_print(out, &style, f->text, f->len, pos->first_line,
		    pos->first_column > 0 ? pos->first_column : 0,
		    pos->last_line == pos->first_line && pos->last_column >= pos->first_column &&
		    pos->last_column > 0 ? pos->last_column : 0);
}

void diag_report(enum ddvc_severity sev, const struct srcpos *pos,
		 enum ddvc_diag_id id, const char *fmt, ...)
{
	static const char *const sev_names[] = { "error", "warning", "note" };
	FILE *out = stream ? stream : stderr;
	va_list ap;

	if (sev == SEV_ERROR && errors >= DDVC_MAX_ERRORS)
		return;
	if (pos && pos->file)
		fprintf(out, "%s:%d:%d: ", pos->file, pos->first_line, pos->first_column);
	else
		fputs("ddvc: ", out);
	fprintf(out, "%s: ", sev_names[sev]);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fprintf(out, " [%s]\n", diag_id_name(id));
	if (pos && pos->file)
		show_line(out, pos);
	if (sev == SEV_ERROR && ++errors == DDVC_MAX_ERRORS)
		fprintf(out, "%s%stoo many errors, stopping [%s]\n",
			pos && pos->file ? pos->file : "ddvc", pos && pos->file ? ": error: " : ": ",
			diag_id_name(DIAG_PARSE_TOO_MANY_ERRORS));
}
