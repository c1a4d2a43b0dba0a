/*
 * writer.c: the one code writer of the emitters: indentation, preprocessor
 * lines, C strings, name mangling. The emitters change the indentation only
 * through it (w_open, w_close, w_block, w_indent, w_dedent, w_label, w_nested).
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/ddvc.h"

void w_init(struct writer *w, FILE *out)
{
	w->out = out;
	w->indent = 0;
	w->bol = true;
}

static void put_indent(struct writer *w)
{
	static const char tabs[] = "\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t";

	for (int n = w->indent; n > 0; n -= 16)
		fwrite(tabs, 1, n < 16 ? n : 16, w->out);
}

/* Text with newlines inside: each line that starts gets the indentation. */
static void w_vprintf(struct writer *w, const char *fmt, va_list ap)
{
	char small[512], *text = small;
	const char *p, *nl;
	va_list copy;
	int n;

	va_copy(copy, ap);
	n = vsnprintf(small, sizeof(small), fmt, copy);
	va_end(copy);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(small) && vasprintf(&text, fmt, ap) < 0)
		return;
	for (p = text; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (w->bol && *p != '\n')
			put_indent(w);
		if (!nl) {
			fputs(p, w->out);
			w->bol = false;
			break;
		}
		fwrite(p, 1, (size_t)(nl - p) + 1, w->out);
		w->bol = true;
	}
	if (text != small)
		free(text);
}

void w_printf(struct writer *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	w_vprintf(w, fmt, ap);
	va_end(ap);
}

void w_blank(struct writer *w)
{
	fputc('\n', w->out);
	w->bol = true;
}

/* One level deeper, one level up: the writer's indentation changes only through these. */
void w_indent(struct writer *w)
{
	w->indent++;
}

void w_dedent(struct writer *w)
{
	w->indent--;
}

/* One whole line one level up, newline added: a label, a case. */
void w_label(struct writer *w, const char *fmt, ...)
{
	va_list ap;

	w->indent--;
	va_start(ap, fmt);
	w_vprintf(w, fmt, ap);
	va_end(ap);
	w_printf(w, "\n");
	w->indent++;
}

/* One whole line one level deeper, newline added: the statement of an if without braces. */
void w_nested(struct writer *w, const char *fmt, ...)
{
	va_list ap;

	w->indent++;
	va_start(ap, fmt);
	w_vprintf(w, fmt, ap);
	va_end(ap);
	w_printf(w, "\n");
	w->indent--;
}

/* A preprocessor line (#if, #else, #endif): in column 0 whatever the indentation. */
void w_pp(struct writer *w, const char *fmt, ...)
{
	int indent = w->indent;
	va_list ap;

	w->indent = 0;
	va_start(ap, fmt);
	w_vprintf(w, fmt, ap);
	va_end(ap);
	w_printf(w, "\n");
	w->indent = indent;
}

/* A bare block: "{" and one level deeper. */
void w_block(struct writer *w)
{
	w_line(w, "{");
	w->indent++;
}

/* One whole line, indented, newline added. */
void w_line(struct writer *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	w_vprintf(w, fmt, ap);
	va_end(ap);
	w_printf(w, "\n");
}

/* "text {" and one level deeper. */
void w_open(struct writer *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	w_vprintf(w, fmt, ap);
	va_end(ap);
	w_printf(w, " {\n");
	w->indent++;
}

/* One level up and "}" + tail ("", ";", " else"). */
void w_close(struct writer *w, const char *tail)
{
	w->indent--;
	w_line(w, "}%s", tail);
}

/* A C string literal; anything not plain printable ASCII is an octal escape. */
void w_cstring(struct writer *w, const char *s)
{
	if (w->bol)
		put_indent(w);
	fputc('"', w->out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(w->out, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", w->out);
		else if (*p == '\t')
			fputs("\\t", w->out);
		else if (*p < 0x20 || *p >= 0x7f || (*p == '?' && p[1] == '?'))
			fprintf(w->out, "\\%03o", *p);
		else
			fputc(*p, w->out);
	}
	fputc('"', w->out);
	w->bol = false;
}

/* Every generated C name goes through here: prefix + the name made a C identifier. */
const char *mangle(const char *prefix, const char *name)
{
	char *s = tree_printf("%s%s", prefix, name);

	for (char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_'))
			*p = '_';
	return s;
}

const char *pos_text(const struct srcpos *pos)
{
	return tree_printf("%s:%d:%d", pos->file, pos->first_line, pos->first_column);
}
