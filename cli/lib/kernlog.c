/* kernlog.c: the kernel's complaints in the session's kernel log (kernlog.h). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "kernlog.h"
#include "runtime.h"
#include "util.h"

/* --- the parser ---------------------------------------------------------- */

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/*
 * "func+0x6e/0x1000 [mod]" (a frame, a RIP) as "func+0x6e [mod]"; NULL when s
 * is no symbol with an offset (a raw address, a user-space RIP).
 */
static char *frame_name(const char *s)
{
	const char *plus, *slash, *end;
	struct strbuf sb = { 0 };

	while (*s == ' ')
		s++;
	plus = strstr(s, "+0x");
	if (!plus || plus == s)
		return NULL;
	for (const char *p = s; p < plus; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.' && *p != '$')
			return NULL;
	slash = plus + 3;
	while (isxdigit((unsigned char)*slash))
		slash++;
	if (slash == plus + 3 || *slash != '/')
		return NULL;
	end = slash + 1;
	if (!starts(end, "0x"))
		return NULL;
	end += 2;
	while (isxdigit((unsigned char)*end))
		end++;
	sb_add(&sb, s, slash - s);
	if (starts(end, " [")) {
		const char *close = strchr(end, ']');

		if (!close)
			return sb.s;
		sb_add(&sb, end, close + 1 - end);
		end = close + 1;
	}
	if (*end && *end != '\n') {
		sb_free(&sb);
		return NULL;
	}
	return sb.s;
}

/* The first line without what varies between two of the same complaint. */
static char *complaint_title(const char *m)
{
	struct strbuf sb = { 0 };
	const char *at, *cut;

	if (starts(m, "WARNING: CPU:") && (at = strstr(m, " at "))) {
		/* "WARNING: CPU: 0 PID: 1 at FILE:LINE func+0x6e/0x100 [mod]" */
		const char *fn = strrchr(at + 4, ' ');
		char *name = NULL;

		/* The function comes after the last blank but one when a module tag follows. */
		if (fn && fn[1] == '[' && fn > at + 4) {
			const char *p = fn - 1;

			while (p > at + 4 && *p != ' ')
				p--;
			fn = p;
		}
		if (fn && fn > at + 4)
			name = frame_name(fn + 1);
		sb_puts(&sb, "WARNING at ");
		if (name) {
			sb_add(&sb, at + 4, fn - (at + 4));
			sb_printf(&sb, " %s", name);
			free(name);
		} else {
			sb_puts(&sb, at + 4);
		}
		return sb.s;
	}
	cut = strstr(m, " - CPU#");		/* watchdog: BUG: soft lockup - CPU#0 stuck ... */
	if (!cut && starts(m, "general protection fault"))
		cut = m + strlen("general protection fault");
	if (!cut && (cut = strstr(m, "address"))) {
		/* "BUG: kernel NULL pointer dereference, address: 0...": the address varies. */
		while (cut > m && (cut[-1] == ' ' || cut[-1] == ','))
			cut--;
		if (cut - m > 4 && !strncmp(cut - 4, " for", 4))
			cut -= 4;
	}
	if (!cut && starts(m, "Oops"))
		cut = m + strlen("Oops");
	sb_add(&sb, m, cut ? (size_t)(cut - m) : strlen(m));
	return sb.s;
}

/* Whether m opens a complaint, and of which kind. */
static bool complaint_start(const char *m, enum kcomplaint_kind *kind)
{
	if (starts(m, "WARNING: ")) {
		*kind = KC_WARNING;
		return true;
	}
	if (starts(m, "BUG: ") || starts(m, "kernel BUG at ") || starts(m, "watchdog: BUG: ") ||
	    starts(m, "general protection fault") || starts(m, "Oops: ")) {
		*kind = KC_BUG;
		return true;
	}
	return false;
}

struct parse {
	struct kcomplaints *out;
	struct kcomplaint *open;	/* the complaint whose lines come, or NULL */
};

static void open_complaint(struct parse *p, enum kcomplaint_kind kind, uint64_t seq, uint64_t ts,
			   const char *m)
{
	struct kcomplaint *c;

	p->out->v = xrealloc(p->out->v, (p->out->n + 1) * sizeof(*p->out->v));
	c = &p->out->v[p->out->n++];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->seq = seq;
	c->ts_us = ts;
	c->title = complaint_title(m);
	p->open = c;
}

/* One record's text m. */
static void parse_line(struct parse *p, uint64_t seq, uint64_t ts, const char *m)
{
	enum kcomplaint_kind kind;
	char *name;

	if (starts(m, "------------[ cut here ]") || starts(m, "---[ end trace")) {
		p->open = NULL;
		return;
	}
	if (complaint_start(m, &kind)) {
		/* An oops's "Oops:" line follows its "BUG:" line: one complaint. */
		if (starts(m, "Oops: ") && p->open && p->open->kind == KC_BUG && !p->open->nframes)
			return;
		open_complaint(p, kind, seq, ts, m);
		return;
	}
	if (!p->open)
		return;
	if (starts(m, "RIP: ")) {
		const char *colon = strchr(m + 5, ':');

		if (!p->open->where && colon && (p->open->where = frame_name(colon + 1)) &&
		    !p->open->nframes)
			p->open->frames[p->open->nframes++] = xstrdup(p->open->where);
		return;
	}
	while (*m == ' ')
		m++;
	if (starts(m, "? "))
		return;		/* the unwinder's guess, not a frame of the call chain */
	name = frame_name(m);
	if (!name)
		return;
	/* The RIP is frame 0 already when the trace names it again. */
	if (p->open->nframes < KC_MAX_FRAMES &&
	    !(p->open->nframes && !strcmp(p->open->frames[p->open->nframes - 1], name)))
		p->open->frames[p->open->nframes++] = name;
	else
		free(name);
}

void kernlog_parse(const char *text, size_t len, struct kcomplaints *out)
{
	struct parse p = { .out = out };
	const char *line = text, *end = text + len;

	while (line < end) {
		const char *nl = memchr(line, '\n', end - line);
		size_t n = nl ? (size_t)(nl - line) : (size_t)(end - line);
		char *copy = xstrndup(line, n), *semi = strchr(copy, ';');
		unsigned int prio;
		uint64_t seq, ts;

		line += n + 1;
		/* "PRIO,SEQ,USEC,FLAGS[,...];TEXT": the kernel's own (facility 0), warning or worse. */
		if (copy[0] != ' ' && semi &&
		    sscanf(copy, "%u,%" SCNu64 ",%" SCNu64 ",", &prio, &seq, &ts) == 3 &&
		    prio >> 3 == 0 && (prio & 7) <= 4)
			parse_line(&p, seq, ts, semi + 1);
		free(copy);
	}
}

void kernlog_free(struct kcomplaints *kc)
{
	for (size_t i = 0; i < kc->n; i++) {
		free(kc->v[i].title);
		free(kc->v[i].where);
		for (unsigned int f = 0; f < kc->v[i].nframes; f++)
			free(kc->v[i].frames[f]);
	}
	free(kc->v);
	kc->v = NULL;
	kc->n = 0;
}

bool kernlog_driver_frame(const char *frame, const char **module, size_t *len)
{
	const char *open = frame ? strstr(frame, " [") : NULL;
	size_t n;

	if (!open)
		return false;
	open += 2;
	n = strcspn(open, "]");
	/* ddv.ko and its packs (ddv_linux, ddv_vendor...) stand between a driver and the kernel. */
	if ((n == 3 && !strncmp(open, "ddv", 3)) || !strncmp(open, "ddv_", 4))
		return false;
	if (module)
		*module = open;
	if (len)
		*len = n;
	return true;
}

static bool frame_in(const char *frame, const char *module)
{
	const char *m;
	size_t n;

	return kernlog_driver_frame(frame, &m, &n) && n == strlen(module) && !strncmp(m, module, n);
}

bool kernlog_names_module(const struct kcomplaint *c, const char *module)
{
	char *tag = xasprintf("[%s]", module);
	bool named = strstr(c->title, tag) || frame_in(c->where, module);

	for (unsigned int i = 0; !named && i < c->nframes; i++)
		named = frame_in(c->frames[i], module);
	free(tag);
	return named;
}

void kernlog_key(const struct kcomplaint *c, bool drivers_only, char **key)
{
	struct strbuf sb = { 0 };

	sb_printf(&sb, "%d|%s|%s|", c->kind, c->title, c->where ? c->where : "");
	for (unsigned int i = 0; i < c->nframes; i++)
		if (!drivers_only || kernlog_driver_frame(c->frames[i], NULL, NULL))
			sb_printf(&sb, "%s>", c->frames[i]);
	*key = sb.s;
}

/* --- /dev/kmsg and the state --------------------------------------------- */

#define KMSG "/dev/kmsg"
#define KMSG_RECORD_MAX 8192	/* a record and its dictionary: the kernel's is 1 KiB + */

/*
 * Reads the kernel log's records from the oldest it holds; fn gets each
 * (its first line) with its sequence number. Returns 0, or -errno.
 */
static int kmsg_each(void (*fn)(const char *rec, size_t len, uint64_t seq, void *arg), void *arg)
{
	char *buf = xmalloc(KMSG_RECORD_MAX);
	int fd = open(KMSG, O_RDONLY | O_NONBLOCK | O_CLOEXEC), err = 0;

	if (fd < 0) {
		free(buf);
		return -errno;
	}
	for (;;) {
		ssize_t n = read(fd, buf, KMSG_RECORD_MAX - 1);
		uint64_t seq;

		if (n < 0 && (errno == EINTR || errno == EPIPE))
			continue;	/* EPIPE: records overwritten under us; the oldest follows */
		if (n < 0) {
			if (errno != EAGAIN)
				err = -errno;
			break;
		}
		buf[n] = '\0';
		if (sscanf(buf, "%*u,%" SCNu64 ",", &seq) == 1)
			fn(buf, strcspn(buf, "\n"), seq, arg);
	}
	close(fd);
	free(buf);
	return err;
}

static void note_next(const char *rec, size_t len, uint64_t seq, void *arg)
{
	(void)rec;
	(void)len;
	*(uint64_t *)arg = seq + 1;
}

static int write_next(uint64_t next, uint64_t lost)
{
	char *path = state_path("kernel-log.next"), *text;
	int err;

	text = xasprintf("%" PRIu64 " %" PRIu64 "\n", next, lost);
	err = write_whole_file(path, text, strlen(text));
	free(text);
	free(path);
	return err;
}

int kernlog_mark_start(void)
{
	uint64_t next = 0;
	int err = kmsg_each(note_next, &next);

	if (err)
		return err;
	return write_next(next, 0);
}

struct harvest {
	uint64_t next;
	uint64_t lost;
	bool first;
	struct strbuf out;
};

static void keep_record(const char *rec, size_t len, uint64_t seq, void *arg)
{
	struct harvest *h = arg;
	unsigned int prio;

	if (seq < h->next)
		return;
	if (h->first && seq > h->next)
		h->lost += seq - h->next;	/* overwritten since the last harvest */
	h->first = false;
	h->next = seq + 1;
	if (sscanf(rec, "%u,", &prio) == 1 && prio >> 3 == 0 && (prio & 7) <= 4) {
		sb_add(&h->out, rec, len);
		sb_puts(&h->out, "\n");
	}
}

/* kernel-log.next: "NEXT LOST"; false when the session has none (started before this). */
static bool read_next(uint64_t *next, uint64_t *lost)
{
	char *path = state_path("kernel-log.next"), *text;
	size_t size;
	bool ok = false;

	if (!read_whole_file(path, (void **)&text, &size)) {
		ok = sscanf(text, "%" SCNu64 " %" SCNu64, next, lost) == 2;
		free(text);
	}
	free(path);
	return ok;
}

bool kernlog_started(void)
{
	uint64_t next, lost;

	return read_next(&next, &lost);
}

int kernlog_harvest(void)
{
	char *path = state_path("kernel-log");
	struct harvest h = { .first = true };
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600), err = 0;

	free(path);
	if (fd < 0)
		return -errno;
	/* Commands of one session may harvest at once (a campaign and its loads). */
	if (flock(fd, LOCK_EX)) {
		err = -errno;
		close(fd);
		return err;
	}
	if (read_next(&h.next, &h.lost)) {
		err = kmsg_each(keep_record, &h);
		if (!err && h.out.len && write(fd, h.out.s, h.out.len) != (ssize_t)h.out.len)
			err = -EIO;
		if (!err)
			err = write_next(h.next, h.lost);
	}
	sb_free(&h.out);
	close(fd);		/* and the lock */
	return err;
}

int kernlog_read(struct kcomplaints *out)
{
	char *path = state_path("kernel-log"), *text;
	uint64_t next, lost = 0;
	size_t size;
	int err = kernlog_harvest();

	if (!err && !read_whole_file(path, (void **)&text, &size)) {
		kernlog_parse(text, size, out);
		free(text);
	}
	if (read_next(&next, &lost))
		out->lost = lost;
	free(path);
	return err;
}
