/* caret.c: a diagnostic's source line with a caret under its column (caret.h). */
#include <string.h>

#include "lib/caret.h"

const char *caret_find_line(const char *text, size_t size, unsigned int line, size_t *len)
{
	const char *p = text, *end = text + size, *nl;

	if (line < 1)
		return NULL;
	while (--line && p < end) {
		nl = memchr(p, '\n', end - p);
		if (!nl)
			return NULL;
		p = nl + 1;
	}
	if (line || p > end)
		return NULL;
	nl = memchr(p, '\n', end - p);
	*len = (nl ? nl : end) - p;
	return p;
}

static bool is_control(unsigned char c)
{
	return c < 0x20 && c != '\t';
}

static bool is_continuation(const struct caret_style *style, unsigned char c)
{
	return style->utf8 && (c & 0xc0) == 0x80;
}

/* The offset in src of column col (1-based), at most len. */
static size_t column_offset(const struct caret_style *style, const char *src, size_t len,
			    unsigned int col)
{
	size_t at = 0;

	if (!style->utf8)
		return col < 1 ? 0 : col - 1 < len ? col - 1 : len;
	for (unsigned int chars = 0; at < len; at++) {
		if (is_continuation(style, (unsigned char)src[at]))
			continue;
		if (chars + 1 >= col)
			break;
		chars++;
	}
	return at;
}

static bool shown(const struct caret_style *style, const char *text, size_t size,
		  unsigned int line, const char *src, size_t len)
{
	if (!src)
		return false;
	if (!style->end_line && src == text + size && line > 1)
		return false;
	if (style->max_len && len > style->max_len)
		return false;
	for (size_t i = 0; style->hide_control && i < len; i++)
		if (is_control((unsigned char)src[i]))
			return false;
	return true;
}

void caret_print(FILE *out, const struct caret_style *style, const char *text, size_t size,
		 unsigned int line, unsigned int col, unsigned int last_col)
{
	size_t len = 0, from = 0, at, last;
	const char *src = caret_find_line(text, size, line, &len);

	if (!shown(style, text, size, line, src, len))
		return;
	at = column_offset(style, src, len, col);
	last = last_col >= col && last_col > 0 ? last_col - 1 : at;
	if (last >= len)
		last = len ? len - 1 : 0;
	if (last < at)
		last = at;
	if (style->window && len > style->window) {
		from = at > style->window / 2 ? at - style->window / 2 : 0;
		if (last - from >= style->window)
			last = from + style->window - 1;
		if (len - from > style->window)
			len = from + style->window;
	}
	for (size_t i = from; i < len; i++) {
		unsigned char c = (unsigned char)src[i];

		fputc(is_control(c) || (!style->utf8 && c >= 0x7f) ? '?' : c, out);
	}
	fputc('\n', out);
	for (size_t i = from; i < at; i++)
		if (!is_continuation(style, (unsigned char)src[i]))
			fputc(src[i] == '\t' ? '\t' : ' ', out);
	fputc('^', out);
	for (size_t i = at + 1; i <= last; i++)
		fputc('~', out);
	fputc('\n', out);
}
