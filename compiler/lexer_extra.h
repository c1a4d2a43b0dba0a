/* lexer_extra.h: the scanner's own state (position, bracket depth), shared with the parser driver. */
#ifndef DDVC_LEXER_EXTRA_H
#define DDVC_LEXER_EXTRA_H

#include "compiler/ddvc.h"

struct lexer_extra {
	const char *file;
	int line, col;
	int depth;
	struct srcpos comment_start;
};

#endif /* DDVC_LEXER_EXTRA_H */
