/*
 * state.c: the state one ddv command hands to the next, in a directory:
 * $DDV_STATE_DIR, else /run/ddv, else /tmp/ddv. It holds the runtime's pack
 * and function tables and each pack's catalog (catalog.ID: so records decode
 * after the runtime is gone; session.c reads them together), the site
 * table sent for each driver (dut-ID.GEN.sites: GEN counts the drivers that
 * were given id ID since 'ddv start'), every log record drained from
 * /dev/ddv (records, appended as read) and findings made by the command
 * itself (findings, one JSON object per line).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ddv/uapi.h>

#include "runtime.h"
#include "util.h"
#include "module.h"
#include "trigger.h"

static char *dir;

const char *state_dir(void)
{
	const char *env = getenv("DDV_STATE_DIR");

	if (dir)
		return dir;
	if (env && *env)
		dir = xstrdup(env);
	else if (!access("/run", W_OK))
		dir = xstrdup("/run/ddv");
	else
		dir = xstrdup("/tmp/ddv");
	mkdir_p(dir, 0700);
	return dir;
}

char *state_path(const char *name)
{
	return xasprintf("%s/%s", state_dir(), name);
}

/* A new session ('ddv start'): the previous one's files go. */
int state_reset(void)
{
	struct dirent *de;
	DIR *d;

	d = opendir(state_dir());
	if (!d) {
		ddv_error(errno, "state directory %s", state_dir());
		return -errno;
	}
	while ((de = readdir(d))) {
		char *path;

		if (de->d_name[0] == '.')
			continue;
		path = state_path(de->d_name);
		unlink(path);
		free(path);
	}
	closedir(d);
	return 0;
}

/* The first word of a line: the id the runtime's tables are keyed by. */
static size_t key_len(const char *line)
{
	return strcspn(line, " \n");
}

static bool has_key(const char *text, const char *line)
{
	size_t len = key_len(line);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (key_len(p) == len && !strncmp(p, line, len))
			return true;
	return false;
}

/*
 * Writes the runtime's list, keeping the lines of ids it no longer lists: a
 * pack unloaded since still names the records it wrote.
 */
static int save_list(int ctl_fd, unsigned int op, const char *name)
{
	struct strbuf merged = { 0 };
	char *text, *path, *old = NULL;
	size_t size;
	int err;

	err = ctl_list(ctl_fd, op, &text);
	if (err) {
		ddv_error(-err, "/dev/ddv: %s", ctl_op_name(op));
		return err;
	}
	path = state_path(name);
	if (read_whole_file(path, (void **)&old, &size))
		old = NULL;
	sb_puts(&merged, text);
	for (const char *p = old; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		size_t len = strcspn(p, "\n");

		if (len && !has_key(text, p)) {
			sb_add(&merged, p, len);
			sb_puts(&merged, "\n");
		}
	}
	err = write_whole_file(path, merged.s ? merged.s : "", merged.len);
	if (err)
		ddv_error(-err, "%s", path);
	sb_free(&merged);
	free(path);
	free(text);
	free(old);
	return err;
}

char *state_catalog_path(unsigned int pack_id)
{
	return xasprintf("%s/catalog.%u", state_dir(), pack_id);
}

/*
 * The catalog of each pack the runtime lists now, as the pack module carries
 * it (catalog.ID); a pack that carries none leaves no file. A pack gone since
 * keeps its file, as its line in packs.
 */
static int save_catalogs(int ctl_fd)
{
	struct rt_tables rt;
	char *packs;
	int err;

	err = ctl_list(ctl_fd, DDV_OP_LIST_PACKS, &packs);
	if (err) {
		ddv_error(-err, "/dev/ddv: %s", ctl_op_name(DDV_OP_LIST_PACKS));
		return err;
	}
	rt_tables_parse(&rt, packs, NULL);
	free(packs);
	for (unsigned int i = 0; i < rt.npacks && !err; i++) {
		char *path = state_catalog_path(rt.packs[i].id), *text;

		err = ctl_catalog(ctl_fd, rt.packs[i].id, &text);
		if (err == -ENOENT) {
			unlink(path);
			err = 0;
		} else if (err) {
			ddv_error(-err, "/dev/ddv: the catalog of pack %s", rt.packs[i].name);
		} else {
			err = write_whole_file(path, text, strlen(text));
			if (err)
				ddv_error(-err, "%s", path);
			free(text);
		}
		free(path);
	}
	rt_tables_free(&rt);
	return err;
}

/*
 * Saves the runtime's packs, functions and the packs' catalogs: ids in
 * records mean nothing without them.
 */
int state_save_tables(int ctl_fd)
{
	int err = save_list(ctl_fd, DDV_OP_LIST_PACKS, "packs");

	if (!err)
		err = save_list(ctl_fd, DDV_OP_LIST_FUNCS, "funcs");
	return err ? err : save_catalogs(ctl_fd);
}

/* Has a 'ddv start' saved the runtime's tables here? */
bool state_has_tables(void)
{
	char *path = state_path("packs");
	bool there = !access(path, R_OK);

	free(path);
	return there;
}

int state_load_tables(struct rt_tables *rt)
{
	char *ppath = state_path("packs"), *fpath = state_path("funcs");
	void *packs = NULL, *funcs = NULL;
	size_t n;

	/* Missing tables (no 'ddv start' yet) decode with numbers in place of names. */
	if (read_whole_file(ppath, &packs, &n))
		packs = NULL;
	if (read_whole_file(fpath, &funcs, &n))
		funcs = NULL;
	rt_tables_parse(rt, packs, funcs);
	free(packs);
	free(funcs);
	free(ppath);
	free(fpath);
	return 0;
}

static char *sites_name(unsigned int dut, unsigned int generation)
{
	return xasprintf("dut-%u.%u.sites", dut, generation);
}

int state_save_sites(unsigned int dut, const struct site_table *table, unsigned int *generation)
{
	struct strbuf sb = { 0 };
	unsigned int gen = 1;
	char *path;
	int err;

	for (;; gen++) {
		char *name = sites_name(dut, gen);

		path = state_path(name);
		free(name);
		if (access(path, F_OK))
			break;
		free(path);
	}
	sb_printf(&sb, "ddv sites 1\nmodule %s\n", table->module);
	for (size_t i = 0; i < table->nmembers; i++)
		sb_printf(&sb, "member %s\n", table->members[i]);
	for (size_t i = 0; i < table->nsites; i++) {
		const struct site *s = &table->sites[i];

		/* A family member's site carries its member number last. */
		sb_printf(&sb, "%zu %s %u %s %u %u %s %llu %d", i, s->func, s->func_offset,
			  s->symbol, s->opcode, s->opcode2, s->section,
			  (unsigned long long)s->section_offset, s->init);
		sb_printf(&sb, s->member ? " %u\n" : "\n", s->member);
	}
	err = write_whole_file(path, sb.s, sb.len);
	if (err)
		ddv_error(-err, "%s", path);
	else
		*generation = gen;
	free(path);
	sb_free(&sb);
	return err;
}

int state_load_sites(unsigned int dut, unsigned int generation, struct site_table *table)
{
	char *name = sites_name(dut, generation), *path = state_path(name);
	char *text, *line, *save = NULL;
	size_t size;
	int err;

	free(name);
	memset(table, 0, sizeof(*table));
	err = read_whole_file(path, (void **)&text, &size);
	free(path);
	if (err)
		return err;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char func[256], symbol[256], section[64];
		unsigned int id, off, op, op2, member = 0;
		unsigned long long secoff;
		int init, n;

		if (!strncmp(line, "module ", 7)) {
			free(table->module);
			table->module = xstrdup(line + 7);
			continue;
		}
		if (!strncmp(line, "member ", 7)) {
			table->members = xrealloc(table->members,
						  (table->nmembers + 1) * sizeof(*table->members));
			table->members[table->nmembers++] = xstrdup(line + 7);
			continue;
		}
		n = sscanf(line, "%u %255s %u %255s %u %u %63s %llu %d %u", &id, func, &off, symbol,
			   &op, &op2, section, &secoff, &init, &member);
		if (n < 9 || id != table->nsites || member > table->nmembers)
			continue;
		if (table->nsites == table->cap) {
			table->cap = table->cap ? table->cap * 2 : 64;
			table->sites = xrealloc(table->sites, table->cap * sizeof(*table->sites));
		}
		table->sites[table->nsites++] = (struct site){
			.func = xstrdup(func), .func_offset = off, .symbol = xstrdup(symbol),
			.section = xstrdup(section), .section_offset = secoff,
			.opcode = op, .opcode2 = op2, .init = init, .member = member,
		};
	}
	free(text);
	if (!table->module)
		table->module = xstrdup("?");
	return 0;
}

/*
 * Moves every record waiting in /dev/ddv (opened O_NONBLOCK) to the state's
 * records file. read() returns whole frames; one larger than the buffer
 * is retried with a larger buffer.
 */
int state_drain(int dev_fd, size_t *bytes)
{
	char *path = state_path("records");
	size_t cap = 1 << 20;
	char *buf = xmalloc(cap);
	int out, err = 0;

	*bytes = 0;
	out = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (out < 0) {
		err = -errno;
		ddv_error(errno, "%s", path);
		goto done;
	}
	for (;;) {
		ssize_t n = read(dev_fd, buf, cap);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EINVAL || errno == ENOSPC) && cap < (64u << 20)) {
			cap *= 2;
			buf = xrealloc(buf, cap);
			continue;
		}
		if (n < 0 && errno == EAGAIN)
			break;
		if (n < 0) {
			err = -errno;
			ddv_error(errno, "reading the log");
			break;
		}
		if (n == 0)
			break;
		if (write(out, buf, n) != n) {
			err = -errno;
			ddv_error(errno, "%s", path);
			break;
		}
		trigger_act(buf, n);	/* whoever reads a trigger's record runs its command */
		*bytes += n;
	}
	close(out);
done:
	free(buf);
	free(path);
	return err;
}

int state_read_records(void **data, size_t *size)
{
	char *path = state_path("records");
	int err = read_whole_file(path, data, size);

	free(path);
	if (err == -ENOENT) {
		*data = xstrdup("");
		*size = 0;
		err = 0;
	}
	return err;
}

int state_add_finding(const char *line)
{
	char *path = state_path("findings");
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || dprintf(fd, "%s\n", line) < 0)
		err = -errno;
	if (fd >= 0)
		close(fd);
	if (err)
		ddv_error(-err, "%s", path);
	free(path);
	return err;
}

/*
 * The session's ddv commands that change what runs (load, inject, trace...),
 * one a line as typed, for a report's reproducer. Kept only in a session
 * (after ddv start): the state directory has the runtime's tables.
 */
void state_add_command(int argc, char **argv)
{
	struct strbuf line = { 0 };
	char *path;
	int fd;

	if (!state_has_tables())
		return;
	sb_puts(&line, "ddv");
	for (int i = 0; i < argc; i++) {
		bool plain = argv[i][0] && strspn(argv[i], "abcdefghijklmnopqrstuvwxyz"
					     "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+=.,:/@%") ==
					     strlen(argv[i]);

		sb_puts(&line, " ");
		if (plain)
			sb_puts(&line, argv[i]);
		else
			sb_shell_word(&line, argv[i]);
	}
	path = state_path(STATE_COMMANDS);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || dprintf(fd, "%s\n", line.s) < 0)
		ddv_warn("%s: the session's commands are not kept: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	free(path);
	sb_free(&line);
}

int state_read_findings(char **text)
{
	char *path = state_path("findings");
	size_t size;
	int err = read_whole_file(path, (void **)text, &size);

	free(path);
	if (err == -ENOENT) {
		*text = xstrdup("");
		err = 0;
	}
	return err;
}

/* The driver id the state last gave module (its latest site table), or -ENOENT. */
int state_find_dut(const char *module)
{
	int found = -ENOENT;

	for (unsigned int dut = 1; dut < 64; dut++) {
		struct site_table t;
		bool match = false;

		for (unsigned int gen = 1; !state_load_sites(dut, gen, &t); gen++) {
			match = !strcmp(t.module, module);
			site_table_free(&t);
		}
		if (match)
			found = dut;
	}
	return found;
}
