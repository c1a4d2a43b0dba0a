/* cmd_sites.c: "ddv sites": lists the call sites of probed symbols in a module, on any host. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "module.h"
#include "catalog.h"
#include "commands.h"

static void add_symbol_list(struct symset *set, const char *list)
{
	char *copy = xstrdup(list), *save = NULL;

	for (char *s = strtok_r(copy, ",", &save); s; s = strtok_r(NULL, ",", &save))
		symset_add(set, s);
	free(copy);
}

/* --uncovered: the imported functions the module calls that no pack probes. */
static void print_uncovered(struct site_table *t)
{
	size_t nfallible = 0;

	symset_has(&t->uncovered, "");	/* sorts */
	for (size_t i = 0; i < t->uncovered.n; i++) {
		bool fallible = symbol_looks_fallible(t->uncovered.names[i]);

		nfallible += fallible;
		printf("%s\t%s\n", t->uncovered.names[i], fallible ? "fallible" : "-");
	}
	printf("%s: %zu imported functions called with no contract, %zu of them look fallible\n",
	       t->module, t->uncovered.n, nfallible);
}

int cmd_sites(int argc, char **argv)
{
	static const struct option options[] = {
		{ "symbols", required_argument, NULL, 's' },
		{ "pack", required_argument, NULL, 'p' },
		{ "source", no_argument, NULL, 'S' },
		{ "uncovered", no_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct symset probed = { 0 };
	char **packs = NULL;
	size_t npacks = 0;
	struct site_table table;
	bool given = false, source = false, uncovered = false;
	int opt;

	while ((opt = getopt_long(argc, argv, "s:p:Suh", options, NULL)) != -1) {
		switch (opt) {
		case 's':
			add_symbol_list(&probed, optarg);
			given = true;
			break;
		case 'p':
			packs = xrealloc(packs, (npacks + 1) * sizeof(*packs));
			packs[npacks++] = optarg;
			break;
		case 'S':
			source = true;
			break;
		case 'u':
			uncovered = true;
			break;
		case 'h':
			printf("usage: ddv sites MODULE.ko [--symbols SYM,SYM...] [--pack FILE]... "
			       "[--source | --uncovered]\n");
			return EXIT_OK;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		ddv_error(0, "sites: expected one module file");
		free(packs);
		return EXIT_USAGE;
	}
	if (access(argv[optind], R_OK)) {
		ddv_error(errno, "%s", argv[optind]);
		free(packs);
		return EXIT_ERROR;
	}
	/* Without --symbols: what the packs probe (the runtime's, else --pack's, else the pack dir's). */
	if (!given) {
		struct catalog cat;
		int err = catalog_offline(&cat, packs, npacks, true);

		if (err) {
			free(packs);
			return EXIT_ERROR;
		}
		catalog_probed_symbols(&cat, &probed);
		catalog_free(&cat);
	}
	free(packs);
	if (relocs_read_file(argv[optind], &probed, &table))
		return EXIT_ERROR;
	if (uncovered) {
		print_uncovered(&table);
		site_table_free(&table);
		symset_free(&probed);
		return EXIT_OK;
	}
	for (size_t i = 0; i < table.nsites; i++) {
		const struct site *s = &table.sites[i];
		struct strbuf where = { 0 };
		struct srcloc loc;

		/* --source: the call's line from the module's DWARF (srcline.c), "-" when none. */
		if (source && srcline_at(table.module, argv[optind], NULL, s->section,
					 s->section_offset, &loc)) {
			srcloc_text(&loc, &where);
			srcloc_free(&loc);
		}
		printf("%s+0x%x\t%s\t%s\t%s+0x%llx%s%s%s\n", s->func, s->func_offset, site_kind(s),
		       s->symbol, s->section, (unsigned long long)s->section_offset,
		       s->init ? "\tinit" : source ? "\t-" : "", source ? "\t" : "",
		       source ? (where.s ? where.s : "-") : "");
		sb_free(&where);
	}
	printf("%s: %zu sites", table.module, table.nsites);
	if (table.naddr_refs)
		printf(", %zu address references (not redirected)", table.naddr_refs);
	if (table.nambiguous)
		printf(", %zu left out (same function name and offset twice)", table.nambiguous);
	printf("\n");
	site_table_free(&table);
	symset_free(&probed);
	return EXIT_OK;
}
