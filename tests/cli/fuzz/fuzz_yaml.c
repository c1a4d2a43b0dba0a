/*
 * fuzz_yaml.c: libFuzzer harness of the YAML configuration loader (yamlconf.c,
 * yamlconf_check.c), as `ddv config plan` runs it: parse and check, print the
 * errors with their carets, else the plan.
 *
 * The input is the YAML file; a line "%% catalog" ends it, and what follows is
 * a pack catalog (catalog.c's text) that the file's names are checked against,
 * as the pack modules' catalogs are. Without that line, names go unchecked.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "catalog.h"
#include "yamlconf.h"

static FILE *sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data, *sep, *ctext = NULL;
	struct strbuf plan = { 0 };
	struct catalog cat;
	struct yconf conf;
	size_t len = size;
	bool have_cat;

	if (!sink) {
		sink = fopen("/dev/null", "w");
		if (!sink)
			abort();
	}
	if (size >= 11 && !memcmp(text, "%% catalog\n", 11)) {
		len = 0;
		ctext = text + 11;
	} else if ((sep = memmem(text, size, "\n%% catalog\n", 12))) {
		len = sep + 1 - text;
		ctext = sep + 12;
	}
	have_cat = ctext != NULL;
	if (have_cat) {
		char *copy = xstrndup(ctext, text + size - ctext);

		catalog_init(&cat);
		catalog_parse(&cat, copy, "fuzz.catalog");
		free(copy);
	}
	yconf_parse(&conf, "fuzz.yaml", text, len, have_cat ? &cat : NULL);
	if (conf.nerrors) {
		yconf_print_errors(&conf, text, len, sink);
	} else {
		yconf_plan_text(&conf, &plan);
		fputs(plan.s ? plan.s : "", sink);
		sb_free(&plan);
	}
	yconf_free(&conf);
	if (have_cat)
		catalog_free(&cat);
	return 0;
}
