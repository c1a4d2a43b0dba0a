/*
 * fuzz_decode.c: libFuzzer harness of `ddv log` and `ddv report` (cmd_log.c),
 * the log decoder and the report builder, over a whole state directory that
 * the input makes up: the runtime's tables, the packs' catalogs, the drivers'
 * site tables, a gone module's symbol snapshot, kallsyms, the kept record
 * stream, the command's own findings and suppressions.
 *
 * The input is a sequence of sections, each starting with a line "%% NAME"
 * (at the start of the input or after a newline); the section's bytes run to
 * the newline before the next such line. NAME is a file of the state
 * directory (packs, funcs, catalog.1, dut-1.1.sites, symbols.e1000, records,
 * findings, suppressions, kallsyms: $DDV_KALLSYMS points there), or "args":
 * the command line, "log" or "report" and its options (words with '/' are
 * dropped: files are named relative to the state directory). Without args,
 * both `ddv log` and `ddv report --json` run. The state directory lives in
 * /dev/shm (memory) and is emptied before each input; the commands read it
 * through the same code as on a real system, with /dev/ddv absent. Besides
 * what the sanitizers catch, a command must exit with one of its statuses and
 * leave no descriptor open.
 * DDV_FUZZ_SHOW=1 keeps their output (tests/fuzz/replay.c runs one input).
 */
#include <ctype.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "module.h"
#include "runtime.h"
#include "commands.h"

#define MAX_ARGS 16

static char *dir;
static int home = -1;	/* the caller's working directory: libFuzzer writes there */

static void setup(void)
{
	char tmpl[] = "/dev/shm/ddv-fuzz-XXXXXX", tmpl2[] = "/tmp/ddv-fuzz-XXXXXX";
	char *kallsyms;

	dir = mkdtemp(tmpl);
	if (!dir)
		dir = mkdtemp(tmpl2);
	if (!dir)
		abort();
	dir = xstrdup(dir);
	kallsyms = xasprintf("%s/kallsyms", dir);
	setenv("DDV_STATE_DIR", dir, 1);
	setenv("DDV_KALLSYMS", kallsyms, 1);
	setenv("DDV_DEVICE", "/nonexistent/ddv", 1);
	free(kallsyms);
	home = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (home < 0)
		abort();
	/* DDV_FUZZ_SHOW=1: what the commands print stays on stdout (to look at an input). */
	if (!getenv("DDV_FUZZ_SHOW") && !freopen("/dev/null", "w", stdout))
		abort();
}

/* Removes the state directory at exit (the replay runner; libFuzzer's runs too). */
static void cleanup(void)
{
	state_reset();
	rmdir(dir);
}

static bool good_name(const char *name, size_t len)
{
	if (!len || len > 64 || name[0] == '.')
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)name[i]) && (!name[i] || !strchr("._-", name[i])))
			return false;
	return true;
}

/* The "args" section as argv (words kept in one buffer); returns argc. */
static int split_args(const char *text, size_t len, char *buf, char **argv)
{
	int argc = 0;
	size_t i = 0, o = 0;

	argv[argc++] = "report";
	while (i < len && argc < MAX_ARGS) {
		size_t start;

		while (i < len && isspace((unsigned char)text[i]))
			i++;
		start = i;
		while (i < len && !isspace((unsigned char)text[i]) && text[i])
			i++;
		if (i == start) {
			i++;
			continue;
		}
		if (memchr(text + start, '/', i - start))
			continue;
		memcpy(buf + o, text + start, i - start);
		buf[o + i - start] = '\0';
		if (argc == 1 && (!strcmp(buf + o, "log") || !strcmp(buf + o, "report")))
			argv[0] = buf + o;
		else
			argv[argc++] = buf + o;
		o += i - start + 1;
	}
	argv[argc] = NULL;
	return argc;
}

/* The lowest free descriptor: a command that leaked one leaves it higher. */
static int free_fd(void)
{
	int fd = dup(0);

	if (fd >= 0)
		close(fd);
	return fd;
}

static void run(int argc, char **argv)
{
	int status, fd = free_fd();

	optind = 0;	/* glibc: start getopt afresh */
	/* -S FILE names a file of the state directory. */
	if (chdir(dir))
		abort();
	status = !strcmp(argv[0], "log") ? cmd_log(argc, argv) : cmd_report(argc, argv);
	fflush(stdout);
	if (fchdir(home))
		abort();
	if (status < EXIT_OK || status > EXIT_FINDINGS || free_fd() != fd)
		abort();
	modsyms_reset();
	ksyms_reset();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	char *argbuf = NULL, *argv[MAX_ARGS + 1];
	int argc = 0;

	if (!dir) {
		setup();
		atexit(cleanup);
	}
	state_reset();
	if (chdir(dir))
		abort();
	while (p < end) {
		const char *name, *nl, *body, *next;
		size_t nlen;

		if (end - p < 3 || memcmp(p, "%% ", 3)) {
			/* Bytes before the first section: none of the files. */
			const char *m = memmem(p, end - p, "\n%% ", 4);

			p = m ? m + 1 : end;
			continue;
		}
		name = p + 3;
		nl = memchr(name, '\n', end - name);
		nlen = (nl ? nl : end) - name;
		body = nl ? nl + 1 : end;
		next = memmem(body, end - body, "\n%% ", 4);
		next = next ? next + 1 : end;
		if (nlen == 4 && !memcmp(name, "args", 4) && !argbuf) {
			argbuf = xmalloc(next - body + 1);
			argc = split_args(body, next - body, argbuf, argv);
		} else if (good_name(name, nlen)) {
			char *file = xstrndup(name, nlen);

			if (write_whole_file(file, body, next - body))
				abort();
			free(file);
		}
		p = next;
	}
	if (fchdir(home))
		abort();
	if (argc) {
		run(argc, argv);
	} else {
		char *log_argv[] = { "log", NULL }, *report_argv[] = { "report", "--json", NULL };

		run(1, log_argv);
		run(2, report_argv);
	}
	free(argbuf);
	return 0;
}
