/*
 * catalog.h: the packs' catalogs: the names of their rules, functions and
 * types, from the pack modules that carry them.
 */
#ifndef DDV_CLI_CATALOG_H
#define DDV_CLI_CATALOG_H

#include "util.h"

/* catalog.c: the message catalogs that turn record ids back into text. */
enum cat_severity { CAT_ERROR, CAT_WARNING, CAT_NOTE };

struct cat_pos {
	char *file;
	unsigned int line;
	unsigned int col;
};

struct cat_type {
	char *name;
	char **fields;
	unsigned int nfields;
	char **states;
	unsigned int nstates;
};

struct cat_func {
	char *symbol;		/* the exported symbol */
	char *api;		/* the API's name in reports */
	struct cat_pos pos;
	char **args;
	unsigned int nargs;
	char *ret;		/* ptr, int, void, u64 */
};

struct cat_msg {
	char *rule_id;
	enum cat_severity severity;
	struct cat_pos pos;
	char **args;
	unsigned int nargs;
	char *text;		/* with {name} placeholders */
};

struct cat_pack {
	char *name;
	char *version;
	char *source;		/* the catalog file, or "(built in)" */
	struct cat_type *types;	/* indexed by the pack's local index; NULL name = unused */
	unsigned int ntypes;
	struct cat_func *funcs;
	unsigned int nfuncs;
	struct cat_msg *msgs;
	unsigned int nmsgs;
};

struct catalog {
	struct cat_pack **packs;
	unsigned int npacks;
};

#define CATALOG_RUNTIME_PACK "ddv"

void catalog_init(struct catalog *cat);	/* holds the runtime's own messages */
int catalog_parse(struct catalog *cat, const char *text, const char *source);
struct cat_pack *catalog_pack(const struct catalog *cat, const char *name);
const struct cat_msg *catalog_msg(const struct cat_pack *pack, unsigned int idx);
const struct cat_func *catalog_func(const struct cat_pack *pack, unsigned int idx);
const struct cat_type *catalog_type(const struct cat_pack *pack, unsigned int idx);
void catalog_probed_symbols(const struct catalog *cat, struct symset *set);
const char *cat_severity_name(enum cat_severity sev);
void catalog_free(struct catalog *cat);

/* packcat.c: a pack's catalog, from the pack module that carries it. */
char **pack_modules(const char *dir, size_t *n);
const char *pack_dir(const char *override);
int catalog_read_module(const char *path, char **text);
int catalog_add_file(struct catalog *cat, const char *path);
int catalog_offline(struct catalog *cat, char *const *files, size_t nfiles, bool required);

#endif /* DDV_CLI_CATALOG_H */
