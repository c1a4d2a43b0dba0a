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
	size_t nambiguous;	/* sites no function name and offset tell apart: left out */
	char *depends;		/* .modinfo depends=: modules to load first, comma-separated */
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

/* control.c: /dev/ddv, the runtime's control device. */
struct ddv_cmd;
int ctl_open(void);
int ctl_call(int fd, unsigned int op, unsigned int nargs, const uint64_t *args, uint64_t *out);
int ctl_list(int fd, unsigned int op, char **text);
int ctl_catalog(int fd, unsigned int pack, char **text);
const char *ctl_op_name(unsigned int op);

/* The runtime's tables as LIST_PACKS and LIST_FUNCS give them. */
struct rt_pack {
	unsigned int id;
	char *name;
	char *version;
};

struct rt_func {
	unsigned int id;	/* global function id */
	char *pack;
	char *symbol;
	char *api;
	char *fault_class;	/* none, generic, alloc, trylock, lock; NULL: malformed line */
	int nfail;		/* failure values; -1 with fault_class NULL */
};

struct rt_tables {
	struct rt_pack *packs;
	unsigned int npacks;
	struct rt_func *funcs;
	unsigned int nfuncs;
};

int rt_tables_parse(struct rt_tables *rt, const char *packs_text, const char *funcs_text);
const struct rt_pack *rt_pack_by_id(const struct rt_tables *rt, unsigned int id);
const struct rt_func *rt_func_by_id(const struct rt_tables *rt, unsigned int id);
int rt_func_fallible(const struct rt_func *f);
void rt_tables_free(struct rt_tables *rt);

/*
 * state.c: what one ddv command leaves for the next (ddv load for ddv report):
 * the runtime's tables, each driver's site table, the drained log records.
 */
const char *state_dir(void);
int state_reset(void);
char *state_path(const char *name);
int state_save_tables(int ctl_fd);
bool state_has_tables(void);
int state_load_tables(struct rt_tables *rt);
char *state_catalog_path(unsigned int pack_id);
int state_save_sites(unsigned int dut, const struct site_table *table, unsigned int *generation);
int state_load_sites(unsigned int dut, unsigned int generation, struct site_table *table);
int state_drain(int dev_fd, size_t *bytes);
int state_read_records(void **data, size_t *size);
int state_add_finding(const char *line);
int state_read_findings(char **text);
/* The suppressions ddv run keeps for ddv report (one pattern a line). */
#define STATE_SUPPRESSIONS "suppressions"
int state_find_dut(const char *module);

/* session.c: the runtime's tables and its packs' catalogs, one snapshot, checked. */
struct session {
	struct rt_tables rt;
	struct catalog cat;
};
bool runtime_present(void);
int session_load(struct session *s, int ctl_fd);
void session_free(struct session *s);

/* decode.c: binary log records to events with names, text and JSON. */
struct event_arg {
	const char *name;	/* from the catalog, or "argN" */
	uint64_t value;
};

struct event {
	uint64_t ts;
	unsigned int cpu;
	unsigned int pack_id;
	unsigned int index;
	const char *pack;	/* name, or NULL when unknown */
	const struct cat_msg *msg;	/* NULL when no catalog explains it */
	unsigned int nargs;
	struct event_arg args[8];
	bool is_drop;
	uint64_t dropped;
	/* Context: the driver and the call site the record is about. */
	int dut;		/* -1: none */
	const char *module;
	const struct site *site;	/* NULL when unknown */
	uint32_t site_id;	/* ~0: none */
	const char *api;	/* the API function (catalog or runtime table) */
	const char *symbol;
	const struct cat_pos *spec;	/* where the rule is written */
	uint64_t stack[12];	/* from ddv.stack records */
	unsigned int nstack;
};

#define DECODE_MAX_DUTS 64
struct decoder {
	const struct catalog *cat;
	const struct rt_tables *rt;
	/* Each driver id's current site table (the generation advances at each arming). */
	struct site_table sites[DECODE_MAX_DUTS];
	unsigned int generation[DECODE_MAX_DUTS];
	bool table_open[DECODE_MAX_DUTS];	/* a site table is in force */
	bool table_armed[DECODE_MAX_DUTS];	/* its arming record has been seen */
	bool attached[DECODE_MAX_DUTS];
	struct site_table *retired;	/* earlier generations: events may still point into them */
	unsigned int nretired;
	bool use_state;		/* load site tables from the state directory */
	/* Per CPU, the event waiting for its ddv.at and ddv.stack records. */
	struct event *pending;
	unsigned int npending;
	uint64_t records;
	uint64_t dropped;	/* records the runtime lost (DROP records) */
	uint64_t garbage;	/* stretches of bytes that were no records */
	uint64_t unknown;	/* records no catalog explains */
	bool mismatch_warned;
};

void decoder_init(struct decoder *dec, const struct catalog *cat, const struct rt_tables *rt,
		  bool use_state);
void decoder_free(struct decoder *dec);
int decoder_set_sites(struct decoder *dec, unsigned int dut, struct site_table *table);
struct ddv_logrec;
void decode_record(struct decoder *dec, const struct ddv_logrec *rec, struct event *ev);
void event_text(const struct decoder *dec, const struct event *ev, struct strbuf *sb);
void event_json(const struct decoder *dec, const struct event *ev, struct strbuf *sb);
bool event_is_finding(const struct event *ev);

typedef void (*event_fn)(struct decoder *dec, const struct event *ev, void *data);
int decode_stream(struct decoder *dec, const void *buf, size_t len, event_fn fn, void *data);
void decode_flush(struct decoder *dec, event_fn fn, void *data);
int decode_chunk(struct decoder *dec, const void *buf, size_t len, event_fn fn, void *data);

/* ksyms.c: kernel addresses by name (/proc/kallsyms, and modsyms.c for a driver under test). */
bool ksym_name(uint64_t addr, struct strbuf *sb);
bool ksym_name_kallsyms(uint64_t addr, struct strbuf *sb);
bool ksym_range(const char *name, const char *module, uint64_t *lo, uint64_t *hi);

/* modsyms.c: a driver's frames named from its own .ko's symbols, also after it is gone. */
int modsyms_save(const void *image, size_t size, const char *module);
const void *modsyms_learn(const struct decoder *dec, const struct event *ev);
void modsyms_use(const void *load);
bool modsyms_name(uint64_t addr, struct strbuf *sb);

/* suppress.c: what findings are left out, and the stacks they are judged by. */

/* A finding's stack frames, named (innermost first). */
#define EVENT_MAX_FRAMES 12
struct frames {
	char *name[EVENT_MAX_FRAMES];	/* "func+0xoff [module]", or the address */
	bool known[EVENT_MAX_FRAMES];	/* named: the same on every load of the driver */
	unsigned int n;
};
void event_frames(const struct event *ev, struct frames *f);
void frames_join(const struct frames *f, bool key, struct strbuf *sb);
void frames_free(struct frames *f);

/*
 * Suppressions: findings to leave out, by rule id and stack, all globs:
 * RULE, RULE@FRAME (the site, "func+0xoff", or any frame of the stack:
 * "heap.leak@e1000_probe+*"), RULE@FRAME>FRAME... (frames in that order,
 * innermost first: "heap.double-free@e1000_free_*>e1000_remove*"). A leak's site
 * is its allocation site. From the command line or a file of them, one a
 * line, '#' starting a comment.
 */
#define SUPPRESSION_MAX_FRAMES EVENT_MAX_FRAMES
struct suppression {
	char *text;		/* as written */
	char *rule;
	char *frames[SUPPRESSION_MAX_FRAMES];	/* none: any finding of the rule */
	unsigned int nframes;
	char *origin;		/* "FILE:LINE", or NULL: the command line */
	unsigned int hits;	/* findings it left out */
};

struct suppressions {
	struct suppression *v;
	unsigned int n;
};
const char *suppression_parse(const char *text, struct suppression *out, char **bad);
void suppression_free(struct suppression *s);
void suppression_shell_word(const struct suppression *one, struct strbuf *sb);
int suppressions_add(struct suppressions *s, const char *arg);
int suppressions_add_file(struct suppressions *s, const char *path);
int suppressions_add_text(struct suppressions *s, const char *text, size_t size,
			  const char *file);
struct suppression *suppressions_match(struct suppressions *s, const char *rule, const char *site,
				       const struct frames *frames);
void suppressions_free(struct suppressions *s);

/* report.c: findings out of events. */

/*
 * Identical findings: one rule, one driver, one site, one named stack (a
 * leak: its allocation site; the store keeps no allocation stack).
 */
struct report_group {
	char *key;		/* rule, driver, site, stack */
	struct strbuf text;	/* the first occurrence */
	unsigned int count;
};

struct report {
	struct report_group *groups;
	unsigned int ngroups;
	unsigned int *index;	/* hash slots: group index + 1, 0 = empty */
	unsigned int index_size;
	struct strbuf out;
	bool json;
	unsigned int findings;
	unsigned int errors;
	unsigned int warnings;
	unsigned int injected;
	char *hang_seen;	/* modules with a runtime ddv.hang record, ",a,b," */
	struct suppressions *supp;	/* NULL: none */
	unsigned int suppressed;
	/* JSON: each finding's object without its closing brace, and its group. */
	struct strbuf *json_lines;
	unsigned int *json_group;
	unsigned int njson;
	unsigned int ngroups_total;	/* groups flushed so far */
};
void report_event(struct decoder *dec, const struct event *ev, void *data);
void report_cli_findings(struct report *rep, const char *lines);
void report_summary(struct report *rep, const struct decoder *dec);

/* common.c: what several subcommands share. */
int runtime_tables(int ctl_fd, struct rt_tables *rt);
int drain_log(int ctl_fd);
const char *module_dir(const char *override);
/* A module's /sys/module/M/initstate ("live", "coming"...), or NULL when it is gone; free it. */
char *module_initstate(const char *module);
bool module_stuck_in_init(const char *module);
struct kmod_ctx;
int module_path_lookup(struct kmod_ctx *kmod, const char *name, char **path);
int find_funcs(const struct rt_tables *rt, const char *name, unsigned int *ids, unsigned int max);

#endif /* DDV_CLI_H */
