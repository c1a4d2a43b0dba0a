/*
 * yamlconf_int.h: what the two halves of the YAML loader share: yamlconf.c
 * reads the file into a tree of nodes (libyaml's events) and keeps the
 * diagnostics; yamlconf_check.c checks the tree against the schema
 * (man/ddv.yaml.5) and plans the ddv commands it stands for.
 */
#ifndef DDV_CLI_YAMLCONF_INT_H
#define DDV_CLI_YAMLCONF_INT_H

#include <yaml.h>

#include "yamlconf.h"

/* A node of the file's tree, with its position. */
enum ynode_kind { Y_NULL, Y_SCALAR, Y_SEQ, Y_MAP, Y_BAD };

struct ynode {
	enum ynode_kind kind;
	unsigned int line, col;	/* 1-based */
	char *text;		/* Y_SCALAR */
	bool plain;		/* unquoted: may be a number or a boolean */
	struct ynode **items;	/* Y_SEQ: the items; Y_MAP: key, value, key, value... */
	size_t n;		/* items (Y_MAP: twice the pairs) */
};

struct diag {
	unsigned int line, col;
	unsigned int order;	/* ties keep the order found */
	char *msg;
};

/* Names a file may use, gathered once from the catalogs. */
struct names {
	const char **v;
	size_t n;
};

struct ctx {
	struct yconf *conf;
	const struct catalog *cat;
	struct diag *diags;
	size_t ndiags;
	struct names funcs, rules, packs;
	yaml_parser_t parser;
	const unsigned char *data;
	size_t size;
	bool fatal;		/* the tree is incomplete: no schema errors on top */
	/* The one whole-driver plan, filled by memory, locks and filter entries. */
	struct strbuf plan_words;
	unsigned int plan_line, plan_col;
	const struct ynode *plan_part[3];	/* memory, locks, filter: at most one each */
	const struct ynode *one;	/* get_list's list of one */
};

/* yamlconf.c: a diagnostic at a position of the file. */
void yconf_diag_at(struct ctx *c, unsigned int line, unsigned int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
#define diag(c, node, ...) yconf_diag_at((c), (node)->line, (node)->col, __VA_ARGS__)

/* yamlconf_check.c: the names a file may use, from the catalogs; the whole file checked. */
void yconf_gather_names(struct ctx *c);
void yconf_check_root(struct ctx *c, const struct ynode *root);

#endif /* DDV_CLI_YAMLCONF_INT_H */
