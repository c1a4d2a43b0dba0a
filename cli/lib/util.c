/* util.c: diagnostics, checked allocation, files and small containers for the ddv command. */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

const char *ddv_progname = "ddv";

/* "ddv: <what>: <strerror(err)>", the one shape of every failure the command prints. */
void ddv_error(int err, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", ddv_progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (err)
		fprintf(stderr, ": %s", strerror(err));
	fputc('\n', stderr);
}

void ddv_warn(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: warning: ", ddv_progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void out_of_memory(void)
{
	ddv_error(ENOMEM, "out of memory");
	exit(EXIT_ERROR);
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		out_of_memory();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		out_of_memory();
	return p;
}

void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size ? size : 1);
	if (!p)
		out_of_memory();
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		out_of_memory();
	va_end(ap);
	return s;
}

/* Reads a file into memory with a NUL after its end; returns 0 or -errno. */
int read_whole_file(const char *path, void **data, size_t *size)
{
	size_t len = 0, cap = 65536;
	char *buf;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	buf = xmalloc(cap + 1);
	for (;;) {
		ssize_t n;

		if (len == cap) {
			cap *= 2;
			buf = xrealloc(buf, cap + 1);
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			int err = errno;

			if (err == EINTR)
				continue;
			free(buf);
			close(fd);
			return -err;
		}
		if (n == 0)
			break;
		len += n;
	}
	close(fd);
	buf[len] = '\0';
	*data = buf;
	*size = len;
	return 0;
}

/* Writes a file whole through a temporary name, so a reader never sees half of it. */
int write_whole_file(const char *path, const void *data, size_t size)
{
	char *tmp = xasprintf("%s.tmp%d", path, (int)getpid());
	const char *p = data;
	int fd, err = 0;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		err = -errno;
		free(tmp);
		return err;
	}
	while (size) {
		ssize_t n = write(fd, p, size);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		p += n;
		size -= n;
	}
	if (close(fd) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	free(tmp);
	return err;
}

int mkdir_p(const char *path, unsigned int mode)
{
	char *p = xstrdup(path), *slash = p;
	int err = 0;

	while ((slash = strchr(slash + 1, '/'))) {
		*slash = '\0';
		if (mkdir(p, mode) && errno != EEXIST) {
			err = -errno;
			break;
		}
		*slash = '/';
	}
	if (!err && mkdir(p, mode) && errno != EEXIST)
		err = -errno;
	free(p);
	return err;
}

void sb_add(struct strbuf *sb, const char *s, size_t n)
{
	if (sb->len + n + 1 > sb->cap) {
		sb->cap = (sb->len + n + 1) * 2;
		sb->s = xrealloc(sb->s, sb->cap);
	}
	memcpy(sb->s + sb->len, s, n);
	sb->len += n;
	sb->s[sb->len] = '\0';
}

void sb_puts(struct strbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

void sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		out_of_memory();
	sb_add(sb, s, n);
	free(s);
}

/* A JSON string literal: quotes, backslashes and control bytes escaped. */
void sb_json_open(struct strbuf *sb)
{
	sb_printf(sb, "{\"version\":%d,", DDV_JSON_VERSION);
}

void sb_json_str(struct strbuf *sb, const char *s)
{
	sb_add(sb, "\"", 1);
	for (; s && *s; s++) {
		unsigned char c = *s;

		switch (c) {
		case '"':
			sb_add(sb, "\\\"", 2);
			break;
		case '\\':
			sb_add(sb, "\\\\", 2);
			break;
		case '\n':
			sb_add(sb, "\\n", 2);
			break;
		case '\t':
			sb_add(sb, "\\t", 2);
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				sb_printf(sb, "\\u%04x", c);
			else
				sb_add(sb, (const char *)&c, 1);
		}
	}
	sb_add(sb, "\"", 1);
}

void sb_free(struct strbuf *sb)
{
	free(sb->s);
	sb->s = NULL;
	sb->len = sb->cap = 0;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void symset_add(struct symset *set, const char *name)
{
	if (set->n == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 32;
		set->names = xrealloc(set->names, set->cap * sizeof(*set->names));
	}
	set->names[set->n++] = xstrdup(name);
	set->sorted = false;
}

bool symset_has(struct symset *set, const char *name)
{
	if (!set->sorted) {
		qsort(set->names, set->n, sizeof(*set->names), compare_names);
		set->sorted = true;
	}
	return set->n && bsearch(&name, set->names, set->n, sizeof(*set->names),
				 compare_names);
}

void symset_free(struct symset *set)
{
	for (size_t i = 0; i < set->n; i++)
		free(set->names[i]);
	free(set->names);
	set->names = NULL;
	set->n = set->cap = 0;
}

/*
 * A numeric option's value: a decimal integer from min to max, nothing after
 * it. Else says so ("--timeout abc: not a number from 1 to 86400") and
 * returns false: the command then exits with its usage status.
 */
bool parse_number_option(const char *name, const char *arg, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < min || v > max) {
		ddv_error(EINVAL, "%s %s: not a number from %ld to %ld", name, arg, min, max);
		return false;
	}
	*out = v;
	return true;
}

/*
 * s as text of XML or HTML: the five markup characters as entities (&#39;
 * reads the same in both), control characters the formats refuse as '?'.
 */
void sb_markup_text(struct strbuf *sb, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = *s;

		if (c == '&')
			sb_puts(sb, "&amp;");
		else if (c == '<')
			sb_puts(sb, "&lt;");
		else if (c == '>')
			sb_puts(sb, "&gt;");
		else if (c == '"')
			sb_puts(sb, "&quot;");
		else if (c == '\'')
			sb_puts(sb, "&#39;");
		else if (c < 0x20 && c != '\n' && c != '\t')
			sb_puts(sb, "?");
		else
			sb_add(sb, s, 1);
	}
}

/* s as one shell word, in single quotes (a command line for a guest or a reproducer). */
void sb_shell_word(struct strbuf *sb, const char *s)
{
	sb_puts(sb, "'");
	for (const char *p = s; *p; p++)
		sb_puts(sb, *p == '\'' ? "'\\''" : (char[2]){ *p, 0 });
	sb_puts(sb, "'");
}

bool call_excluded(char *const *globs, int nglobs, const char *symbol, const char *api,
		   const char *func, unsigned int func_offset)
{
	char site[512];
	bool out = false;

	snprintf(site, sizeof(site), "%s+0x%x", func ? func : "", func_offset);
	for (int i = 0; i < nglobs && !out; i++) {
		const char *glob = globs[i];

		out = (symbol && !fnmatch(glob, symbol, 0)) || (api && !fnmatch(glob, api, 0)) ||
		      (func && (!fnmatch(glob, site, 0) || !fnmatch(glob, func, 0)));
	}
	return out;
}
