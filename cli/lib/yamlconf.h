/* yamlconf.h: a ddv run described in YAML (man/ddv.yaml.5), checked and turned into ddv commands. */
#ifndef DDV_CLI_YAMLCONF_H
#define DDV_CLI_YAMLCONF_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"
#include "catalog.h"

/* A configuration is refused when larger: nobody writes a megabyte of settings. */
#define YCONF_MAX_SIZE (1024 * 1024)
/* Deeper nesting than any valid file has: refused before it costs stack. */
#define YCONF_MAX_DEPTH 16

/* Errors listed one by one; the rest are counted. */
#define YCONF_MAX_SHOWN 100

/* One ddv command the configuration stands for, and where the file asks for it. */
struct yconf_step {
	char **argv;		/* "inject", "nth", "kmalloc", "3", NULL */
	int argc;
	unsigned int line;	/* 1-based */
	unsigned int col;
};

struct yconf {
	char *file;
	/* target: */
	char *driver;		/* a module name or a .ko path */
	char **driver_params;	/* PARAM=VALUE words for ddv load */
	int ndriver_params;
	unsigned long load_timeout;	/* seconds; 0: ddv load's default */
	char *driver_with;	/* target.with: the family, comma-separated; "": none; NULL: default */
	/* runtime: */
	char *modules_dir;
	char **runtime_params;
	int nruntime_params;
	/* packs: names ("linux") or paths (".../ddv-linux.ko"); none: every pack */
	char **packs;
	size_t npacks;
	/* What runs between ddv start and ddv load, in order. */
	struct yconf_step *steps;
	size_t nsteps;
	/* suppress: patterns (RULE[@FRAME[>FRAME...]]) ddv run keeps for ddv report. */
	char **suppress;
	size_t nsuppress;
	/* Diagnostics, "FILE:LINE:COL: error: ...\n" each, in file order (the first
	 * YCONF_MAX_SHOWN, then a line counting the others); nerrors counts all. */
	struct strbuf errors;
	unsigned int nerrors;
	/* Where each diagnostic with a position starts in errors.s, and its position. */
	struct yconf_error_at {
		size_t offset;
		unsigned int line, col;
	} *error_at;
	size_t nerror_at;
};

/*
 * Parses and checks one configuration. cat: the catalogs function names and
 * rule ids are checked against (NULL: not checked). Returns the number of
 * errors; with any, the steps must not be used.
 */
unsigned int yconf_parse(struct yconf *conf, const char *file, const void *data, size_t size,
			 const struct catalog *cat);
/* The same from a file; a file that cannot be read is one error. */
unsigned int yconf_load(struct yconf *conf, const char *file, const struct catalog *cat);
/* The errors, each followed by the file's line and a caret under the column (data: the file). */
void yconf_print_errors(const struct yconf *conf, const void *data, size_t size, FILE *out);
/* The ddv commands, one line each, as a user would type them. */
void yconf_plan_text(const struct yconf *conf, struct strbuf *out);
void yconf_free(struct yconf *conf);

#endif /* DDV_CLI_YAMLCONF_H */
