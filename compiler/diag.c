/* diag.c: diagnostics "file:line:col: error: message [id]" with the source line and a caret range. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "compiler/ddvc.h"

#define SHOW_MAX 160	/* a 10 MB line is shown as a window around the error */

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

static void show_line(FILE *out, const struct srcpos *pos)
{
	const struct srcfile *f;
	const char *p, *end, *line;
	size_t len, from = 0, col, last;

	for (f = sources; f && f->name != pos->file; f = f->next)
		;
	if (!f || pos->first_line < 1)
		return;
	p = f->text;
	end = f->text + f->len;
	for (int n = 1; n < pos->first_line && p < end; p++)
		if (*p == '\n')
			n++;
	if (p >= end && pos->first_line > 1)
		return;
	line = p;
	while (p < end && *p != '\n')
		p++;
	len = (size_t)(p - line);
	col = pos->first_column > 0 ? (size_t)pos->first_column - 1 : 0;
	if (col > len)
		col = len;
	last = pos->last_line == pos->first_line && pos->last_column >= pos->first_column ?
	       (size_t)pos->last_column - 1 : col;
	if (last >= len)
		last = len ? len - 1 : 0;
	if (last < col)
		last = col;
	if (len > SHOW_MAX) {
		from = col > SHOW_MAX / 2 ? col - SHOW_MAX / 2 : 0;
		if (last - from >= SHOW_MAX)
			last = from + SHOW_MAX - 1;
	}
	if (len - from > SHOW_MAX)
		len = from + SHOW_MAX;
	for (size_t i = from; i < len; i++) {
		unsigned char c = (unsigned char)line[i];

		fputc(c == '\t' || (c >= 0x20 && c < 0x7f) ? c : '?', out);
	}
	fputc('\n', out);
	for (size_t i = from; i < col; i++)
		fputc(line[i] == '\t' ? '\t' : ' ', out);
	fputc('^', out);
	for (size_t i = col + 1; i <= last; i++)
		fputc('~', out);
	fputc('\n', out);
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
