/*
 * rtctl.c: drives /dev/ddv directly for the runtime's VM tests (the real
 * command is cli/ddv): target, load, attach, detach, status, trace, inject,
 * a plan with a caller filter by name, a pack's catalog, raw commands, and a
 * dump of the binary log with call sites resolved.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <grp.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <linux/module.h>

#include <ddv/uapi.h>
#include <ddv/logrec.h>
#include <ddv/runtime_msgs.h>
#include "util.h"
#include "module.h"
#include "logring.h"

#ifndef MODULE_INIT_COMPRESSED_FILE
#define MODULE_INIT_COMPRESSED_FILE 4	/* linux/module.h from 5.17 */
#endif

static const char *const rt_names[] = {
#define DDV_RT_MSG(name, rule, sev, text, n, ...) rule,
#include <ddv/runtime_msgs.h>
#undef DDV_RT_MSG
};

/*
 * /dev/ddv, or with RTCTL_FD=N the descriptor N this process inherited (one
 * opened by root before the test dropped to another user: control ops must
 * still check the caller).
 */
static int dev(void)
{
	const char *inherited = getenv("RTCTL_FD");
	int fd = inherited ? atoi(inherited) : open(DDV_DEVICE, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		perror(DDV_DEVICE);
		exit(1);
	}
	return fd;
}

/* One command; prints "ret=N out=a,b,c,d" when verbose. */
static int cmd(int fd, unsigned int op, unsigned int nargs, const uint64_t *args,
	       uint64_t *out)
{
	struct ddv_cmd c = { .op = op, .nargs = nargs };

	memcpy(c.arg, args, nargs * sizeof(*args));
	if (ioctl(fd, DDV_IOC_CMD, &c) < 0)
		return -errno;
	if (out)
		memcpy(out, c.out, sizeof(c.out));
	return 0;
}

static void die(int err, const char *what)
{
	fprintf(stderr, "rtctl: %s: %s\n", what, strerror(err < 0 ? -err : err));
	exit(1);
}

/* The probed symbols: the 3rd column of LIST_FUNCS. */
static void probed_symbols(int fd, struct symset *set)
{
	static char buf[1 << 16];
	uint64_t a[2] = { (uintptr_t)buf, sizeof(buf) - 1 }, out[4];
	char *line, *save;
	int err = cmd(fd, DDV_OP_LIST_FUNCS, 2, a, out);

	if (err)
		die(err, "list functions");
	buf[out[0]] = 0;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char sym[256];

		if (sscanf(line, "%*u %*s %255s", sym) == 1)
			symset_add(set, sym);
	}
}

/* TARGET or ATTACH a module file; writes SITES_FILE: "id func+off symbol kind". */
static int target(int fd, const char *ko, const char *sites_file, int op)
{
	struct symset probed = { 0 };
	struct site_table t = { 0 };
	struct ddv_site *sites;
	char *blob = NULL;
	size_t blen = 0, i;
	/* RTCTL_FAMILY=LEADER: KO is the one member of LEADER's family (bench-vm's (e)). */
	const char *leader = getenv("RTCTL_FAMILY");
	uint64_t a[8], out[4];
	FILE *f;
	int err;

	probed_symbols(fd, &probed);
	err = relocs_read_file(ko, &probed, &t);
	if (err)
		die(err, ko);
	sites = calloc(t.nsites + 1, sizeof(*sites));
	f = fopen(sites_file, "w");
	if (!sites || !f)
		die(errno, sites_file);
	for (i = 0; i < t.nsites; i++) {
		struct site *s = &t.sites[i];
		size_t fl = strlen(s->func) + 1, sl = strlen(s->symbol) + 1;

		blob = realloc(blob, blen + fl + sl);
		sites[i].id = i;
		sites[i].func_name = blen;
		memcpy(blob + blen, s->func, fl);
		blen += fl;
		sites[i].api_name = blen;
		memcpy(blob + blen, s->symbol, sl);
		blen += sl;
		/* RTCTL_SKEW=N moves every site N bytes: the runtime must refuse them all. */
		sites[i].func_offset = s->func_offset + (getenv("RTCTL_SKEW") ?
							 atoi(getenv("RTCTL_SKEW")) : 0);
		sites[i].opcode = s->opcode;
		sites[i].init = s->init;
		sites[i].member = leader ? 1 : 0;
		fprintf(f, "%zu %s+0x%x %s %s\n", i, s->func, s->func_offset, s->symbol,
			site_kind(s));
	}
	fclose(f);
	a[0] = (uintptr_t)(leader ? leader : t.module);
	a[1] = strlen(leader ? leader : t.module);
	a[2] = (uintptr_t)sites;
	a[3] = t.nsites;
	a[4] = (uintptr_t)blob;
	a[5] = blen;
	a[6] = (uintptr_t)t.module;
	a[7] = strlen(t.module) + 1;
	err = cmd(fd, op, leader ? 8 : 6, a, out);
	if (err)
		die(err, op == DDV_OP_TARGET ? "target" : "attach");
	printf("dut %llu sites %zu patched %llu refused %llu\n", (unsigned long long)out[0],
	       t.nsites, (unsigned long long)out[1], (unsigned long long)out[2]);
	return 0;
}

/* Is KO compressed (Debian's 6.12 ships .ko.xz)? The kernel then decompresses it. */
static bool compressed(const char *ko)
{
	size_t n = strlen(ko);

	return (n > 3 && !strcmp(ko + n - 3, ".xz")) || (n > 3 && !strcmp(ko + n - 3, ".gz")) ||
	       (n > 4 && !strcmp(ko + n - 4, ".zst"));
}

static int load(const char *ko, const char *params)
{
	int fd = open(ko, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		die(errno, ko);
	/*
	 * finit_module only: busybox insmod retries a failed init with init_module.
	 * A compressed module needs the kernel's CONFIG_MODULE_DECOMPRESS; without it
	 * the load fails (EOPNOTSUPP) and says so.
	 */
	if (syscall(SYS_finit_module, fd, params,
		    compressed(ko) ? MODULE_INIT_COMPRESSED_FILE : 0)) {
		printf("load failed: %s\n", strerror(errno));
		return 3;
	}
	printf("loaded\n");
	return 0;
}

static void status(int fd, uint64_t id)
{
	struct ddv_status st = { 0 };
	uint64_t a[3] = { id, (uintptr_t)&st, sizeof(st) };
	int err = cmd(fd, DDV_OP_STATUS, 3, a, NULL);

	if (err)
		die(err, "status");
	printf("calls=%llu violations=%llu injected=%llu store_live=%llu store_capacity=%llu "
	       "store_drops=%llu log_drops=%llu sites_patched=%llu sites_refused=%llu\n",
	       (unsigned long long)st.calls, (unsigned long long)st.violations,
	       (unsigned long long)st.injected, (unsigned long long)st.store_live,
	       (unsigned long long)st.store_capacity, (unsigned long long)st.store_drops,
	       (unsigned long long)st.log_drops, (unsigned long long)st.sites_patched,
	       (unsigned long long)st.sites_refused);
}

/* Appends everything waiting in the log to FILE. */
static void drain(int fd, const char *file)
{
	static char buf[1 << 16];
	FILE *f = fopen(file, "a");
	ssize_t n;
	int flags = fcntl(fd, F_GETFL);

	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, n, f);
	if (n < 0 && errno != EAGAIN)
		die(errno, "read");
	fclose(f);
}

/* Site id -> "func+off" from a SITES_FILE. */
static char **load_sites(const char *file, size_t *n)
{
	char **names = NULL, line[512], where[400];
	size_t id;
	FILE *f = file ? fopen(file, "r") : NULL;

	*n = 0;
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%zu %399s", &id, where) != 2)
			continue;
		names = realloc(names, (id + 1) * sizeof(*names));
		while (*n <= id)
			names[(*n)++] = NULL;
		names[id] = strdup(where);
	}
	if (f)
		fclose(f);
	return names;
}

/* One line per record: cpu, pack:index, rule (runtime records), arguments. */
static void dump(const char *file, const char *sites_file)
{
	struct ddv_logrec rec;
	struct logdec d;
	size_t size, nsites;
	char **sites = load_sites(sites_file, &nsites);
	void *data;
	int r;

	if (read_whole_file(file, &data, &size))
		die(errno, file);
	logdec_init(&d, data, size);
	while ((r = logdec_next(&d, &rec)) != 0) {
		unsigned int pack = DDV_MSG_PACK(rec.msg), idx = DDV_MSG_INDEX(rec.msg), i;

		if (r < 0) {
			printf("garbage\n");
			continue;
		}
		if (rec.kind == DDV_LOGREC_DROP) {
			printf("cpu=%u DROP lost=%llu\n", rec.cpu, (unsigned long long)rec.dropped);
			continue;
		}
		printf("cpu=%u ts=%llu msg=%u:%u", rec.cpu, (unsigned long long)rec.ts, pack, idx);
		if (pack == 0 && idx < sizeof(rt_names) / sizeof(rt_names[0]))
			printf(" %s", rt_names[idx]);
		printf(" args=");
		for (i = 0; i < rec.nargs; i++)
			printf("%s%#llx", i ? "," : "", (unsigned long long)rec.args[i]);
		if (pack == 0 && idx == DDV_RTMSG_CORE_COUNT && rec.nargs == 3 &&
		    rec.args[1] < nsites && sites[rec.args[1]])
			printf(" where=%s", sites[rec.args[1]]);
		printf("\n");
	}
	printf("records=%llu errors=%llu\n", (unsigned long long)d.records,
	       (unsigned long long)d.errors);
}

static uint64_t num(const char *s)
{
	if (!strcmp(s, "all"))
		return ~0ull;
	return strtoull(s, NULL, 0);
}

/*
 * "as UID COMMAND...": runs COMMAND as user (and group) UID with no
 * supplementary groups. setresuid from root to another user clears the
 * capabilities; descriptors stay open (a test hands one down).
 */
static int run_as(const char *uid_text, char **command)
{
	uid_t uid = num(uid_text);

	if (setgroups(0, NULL) || setresgid(uid, uid, uid) || setresuid(uid, uid, uid))
		die(errno, "dropping to another user");
	execvp(command[0], command);
	die(errno, command[0]);
	return 1;
}

int main(int argc, char **argv)
{
	uint64_t a[10], out[4];
	int fd, err, i;

	ddv_progname = "rtctl";
	if (argc < 2) {
		fprintf(stderr, "usage: rtctl target|attach KO SITES | load KO [PARAMS] | detach ID |\n"
			"  status ID | trace FUNC LEVEL | off FUNC 0|1 | inject MODE ARGS... |\n"
			"  plan-caller MODULE:FUNC | catalog PACK FILE |\n"
			"  leaks ID | raw OP NARGS ARGS... | drain FILE | dump FILE [SITES] | funcs |\n"
			"  as UID COMMAND...\n");
		return 2;
	}
	if (!strcmp(argv[1], "as") && argc >= 4)
		return run_as(argv[2], argv + 3);
	if (!strcmp(argv[1], "dump") && argc >= 3) {
		dump(argv[2], argc > 3 ? argv[3] : NULL);
		return 0;
	}
	if (!strcmp(argv[1], "load") && argc >= 3)
		return load(argv[2], argc > 3 ? argv[3] : "");
	fd = dev();
	if (!strcmp(argv[1], "target") && argc == 4)
		return target(fd, argv[2], argv[3], DDV_OP_TARGET);
	if (!strcmp(argv[1], "attach") && argc == 4)
		return target(fd, argv[2], argv[3], DDV_OP_ATTACH);
	if (!strcmp(argv[1], "status") && argc == 3) {
		status(fd, num(argv[2]));
		return 0;
	}
	if (!strcmp(argv[1], "drain") && argc == 3) {
		drain(fd, argv[2]);
		return 0;
	}
	if (!strcmp(argv[1], "funcs")) {
		static char buf[1 << 16];
		uint64_t l[2] = { (uintptr_t)buf, sizeof(buf) - 1 };

		err = cmd(fd, DDV_OP_LIST_FUNCS, 2, l, out);
		if (err)
			die(err, "list functions");
		fwrite(buf, 1, out[0], stdout);
		return 0;
	}
	/* An empty plan with a caller filter by name (MODULE:FUNC); prints ok or errno=N. */
	if (!strcmp(argv[1], "plan-caller") && argc == 3) {
		struct ddv_inject_plan plan = { 0 };
		uint64_t p[5] = { DDV_INJECT_PLAN, (uintptr_t)&plan, sizeof(plan),
				  (uintptr_t)argv[2], strlen(argv[2]) };

		err = cmd(fd, DDV_OP_INJECT, 5, p, NULL);
		if (err) {
			printf("errno=%d\n", -err);
			return 1;
		}
		printf("ok\n");
		return 0;
	}
	/* A pack's catalog into FILE (at most 1 MiB); prints len=N (its whole length) or errno=N. */
	if (!strcmp(argv[1], "catalog") && argc == 4) {
		static char buf[1 << 20];
		uint64_t c[3] = { num(argv[2]), (uintptr_t)buf, sizeof(buf) };
		FILE *f;

		err = cmd(fd, DDV_OP_PACK_CATALOG, 3, c, out);
		if (err) {
			printf("errno=%d\n", -err);
			return 1;
		}
		f = fopen(argv[3], "w");
		if (!f)
			die(errno, argv[3]);
		fwrite(buf, 1, out[0] < sizeof(buf) ? out[0] : sizeof(buf), f);
		fclose(f);
		printf("len=%llu\n", (unsigned long long)out[0]);
		return 0;
	}
	/* The rest: an op and numbers; prints the result for the test to judge. */
	if (!strcmp(argv[1], "raw") && argc >= 4) {
		unsigned int op = num(argv[2]), nargs = num(argv[3]);
		struct ddv_cmd c = { .op = op, .nargs = nargs };

		for (i = 4; i < argc && i - 4 < 10; i++)
			c.arg[i - 4] = num(argv[i]);
		if (ioctl(fd, DDV_IOC_CMD, &c) < 0) {
			printf("errno=%d\n", errno);
			return 1;
		}
		printf("ok out=%llu,%llu\n", (unsigned long long)c.out[0],
		       (unsigned long long)c.out[1]);
		return 0;
	}
	for (i = 2; i < argc && i - 2 < 10; i++)
		a[i - 2] = num(argv[i]);
	if (!strcmp(argv[1], "detach"))
		err = cmd(fd, DDV_OP_DETACH, argc - 2, a, out);
	else if (!strcmp(argv[1], "trace"))
		err = cmd(fd, DDV_OP_SET_TRACE, argc - 2, a, out);
	else if (!strcmp(argv[1], "off"))
		err = cmd(fd, DDV_OP_SET_FUNC_OFF, argc - 2, a, out);
	else if (!strcmp(argv[1], "inject"))
		err = cmd(fd, DDV_OP_INJECT, argc - 2, a, out);
	else if (!strcmp(argv[1], "leaks"))
		err = cmd(fd, DDV_OP_LEAK_CHECK, argc - 2, a, out);
	else
		err = -EINVAL;
	if (err)
		die(err, argv[1]);
	printf("ok out=%llu\n", (unsigned long long)out[0]);
	return 0;
}
