/*
 * util.h: what every part of the ddv command uses: exit codes, diagnostics,
 * memory, strings, files, a growable buffer, a set of names.
 */
#ifndef DDV_CLI_UTIL_H
#define DDV_CLI_UTIL_H

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
bool parse_number_option(const char *name, const char *arg, long min, long max, long *out);

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
/*
 * The format version of the command's JSON (man ddv(8), JSON OUTPUT, and the
 * schema installed as PKGDATADIR/ddv.schema.json): the first member of every
 * object it prints, "version". Raised when a field changes meaning or goes;
 * new fields keep it.
 */
#define DDV_JSON_VERSION 1
/* Opens an object with its version: {"version":N, (a member must follow). */
void sb_json_open(struct strbuf *sb);
void sb_shell_word(struct strbuf *sb, const char *s);
void sb_markup_text(struct strbuf *sb, const char *s);
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

/*
 * --exclude GLOB (ddv load, the campaigns): whether a call is one never to
 * fail, as fnmatch(3) globs over the called symbol, its API name (may be
 * NULL), its site (func+0xoff) or the driver function that makes it. One
 * test for the campaign's plan and the load's site table, so that the
 * calls the plan numbers are the ones the runtime counts.
 */
bool call_excluded(char *const *globs, int nglobs, const char *symbol, const char *api,
		   const char *func, unsigned int func_offset);

#endif /* DDV_CLI_UTIL_H */
