/* cli.h: the internal interfaces between the parts of the ddv command. */
#ifndef DDV_CLI_H
#define DDV_CLI_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Exit codes (documented in man/ddv.8). */
enum {
	EXIT_OK = 0,
	EXIT_ERROR = 1,		/* a command failed: the message says why */
	EXIT_USAGE = 2,		/* bad command line */
	EXIT_FINDINGS = 3,	/* ddv report: the driver broke a rule */
	EXIT_INIT_FAILED = 4,	/* ddv load: the driver's init returned an error */
	EXIT_HANG = 5,		/* ddv load: the driver's init did not return in time */
};

/* util.c: diagnostics, memory, strings. */
extern const char *ddv_progname;
void ddv_error(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ddv_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int read_whole_file(const char *path, void **data, size_t *size);
int write_whole_file(const char *path, const void *data, size_t size);
int mkdir_p(const char *path, unsigned int mode);

/* A growable byte buffer, for text and JSON output built in memory. */
struct strbuf {
	char *s;
	size_t len;
	size_t cap;
};
void sb_add(struct strbuf *sb, const char *s, size_t n);
void sb_puts(struct strbuf *sb, const char *s);
void sb_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_json_str(struct strbuf *sb, const char *s);
void sb_free(struct strbuf *sb);

/* A sorted set of names (the exported symbols the loaded packs probe). */
struct symset {
	char **names;
	size_t n;
	size_t cap;
	bool sorted;
};
void symset_add(struct symset *set, const char *name);
bool symset_has(struct symset *set, const char *name);
void symset_free(struct symset *set);

/* modfile.c: a module file in memory, decompressed when it is a .ko.xz. */
int modfile_read(const char *path, void **image, size_t *size, bool *compressed);
int xz_decompress(const void *in, size_t in_size, void **out, size_t *out_size);

/* relocs.c: the call sites of probed symbols in a module, from its relocations. */
struct site {
	char *func;		/* the module's function that contains the site */
	uint32_t func_offset;	/* offset of the site's first byte in func */
	char *symbol;		/* the called exported symbol */
	char *section;		/* where the site lies: ".text", ".init.text"... */
	uint64_t section_offset;
	uint8_t opcode;		/* 0xe8 call, 0xe9 jmp, 0x0f jcc */
	uint8_t opcode2;	/* 0x80..0x8f after 0x0f for a jcc, else 0 */
	bool init;		/* in init text: freed after the module's init */
};

struct site_table {
	char *module;		/* the module's name (.modinfo name=, else the file name) */
	struct site *sites;
	size_t nsites;
	size_t cap;
	size_t naddr_refs;	/* probed symbols whose address is taken, not called: not patchable */
	size_t nambiguous;	/* sites in functions whose name is not unique: left out */
};

int relocs_read_image(const void *image, size_t size, const char *what,
		      struct symset *probed, struct site_table *out);
int relocs_read_file(const char *path, struct symset *probed, struct site_table *out);
const char *site_kind(const struct site *site);
void site_table_free(struct site_table *table);

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
int catalog_load_file(struct catalog *cat, const char *path);
int catalog_load_dir(struct catalog *cat, const char *dir);
const char *catalog_default_dir(const char *override);
struct cat_pack *catalog_pack(const struct catalog *cat, const char *name);
const struct cat_msg *catalog_msg(const struct cat_pack *pack, unsigned int idx);
const struct cat_func *catalog_func(const struct cat_pack *pack, unsigned int idx);
const struct cat_type *catalog_type(const struct cat_pack *pack, unsigned int idx);
void catalog_probed_symbols(const struct catalog *cat, struct symset *set);
const char *cat_severity_name(enum cat_severity sev);
void catalog_free(struct catalog *cat);

#endif /* DDV_CLI_H */
