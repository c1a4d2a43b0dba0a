/* fuzz_frontend.c: libFuzzer harness on ddvc's front end and emitters (lexer, parser, checks, C/catalog/doc). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/ddvc.h"

static FILE *sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct srcfile *f;
	struct spec *spec;

	if (!sink) {
		sink = fopen("/dev/null", "w");
		if (!sink)
			abort();
		diag_set_stream(sink);
	}
	diag_reset();
	f = tree_alloc(sizeof(*f));
	f->name = "fuzz.ddv";
	f->text = tree_strndup((const char *)data, size);
	f->len = size;
	diag_add_source(f);
	spec = spec_new();
	parse_file(spec, f);
	if (!diag_error_count())
		check_spec(spec);
	/* The emitters run only on clean input, as in ddvc itself. */
	if (!diag_error_count()) {
		emit_c(spec, sink);
		emit_catalog(spec, sink);
		emit_doc(spec, sink);
		emit_kbuild(spec, sink);
	}
	tree_free_all();
	return 0;
}
