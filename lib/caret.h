/*
 * caret.h: a diagnostic's source line with a caret under its column, as
 * ddvc (compiler/diag.c) and ddv's YAML loader (cli/lib/yamlconf.c) show it
 * after their "FILE:LINE:COL: error: ..." line:
 *
 *     kmalloc(size, flags) -> ptr p;
 *                   ^~~~~
 */
#ifndef DDV_LIB_CARET_H
#define DDV_LIB_CARET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* How a caller's columns count and what of a line it shows. */
struct caret_style {
	/*
	 * Columns count UTF-8 characters and the line shows as it is; else
	 * columns count bytes and each byte that is not printable ASCII or a
	 * tab shows as '?', so that the caret lines up either way.
	 */
	bool utf8;
	/* A line with a control character (not a tab) is not shown. */
	bool hide_control;
	/* A line longer than this many bytes is not shown (0: any length). */
	size_t max_len;
	/* A line longer than this shows as a window this wide around the column (0: whole). */
	size_t window;
	/* The empty line after a last newline is shown (for a position at the end). */
	bool end_line;
};

/* Line number line (1-based) of text, or NULL; *len: its length without the newline. */
const char *caret_find_line(const char *text, size_t size, unsigned int line, size_t *len);

/*
 * Prints line number line of text, then a caret under column col (1-based)
 * and '~' under the columns after it up to last_col (on the same line; 0 or
 * less than col: none), each line ending in a newline. Prints nothing when
 * the line is not there or the style does not show it.
 */
void caret_print(FILE *out, const struct caret_style *style, const char *text, size_t size,
		 unsigned int line, unsigned int col, unsigned int last_col);

#endif /* DDV_LIB_CARET_H */
