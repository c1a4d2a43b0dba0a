/* cmd_start.c: "ddv start" loads the runtime and the pack modules; "ddv stop" unloads them. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libkmod.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <sys/utsname.h>

#include <ddv/uapi.h>

#include "util.h"
#include "catalog.h"
#include "runtime.h"
#include "kernlog.h"
#include "commands.h"

/* finit_module() of one file; 0, or -errno (EEXIST: loaded already). */
static int insert_module(const char *path, const char *params)
{
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (syscall(SYS_finit_module, fd, params ? params : "", 0))
		err = -errno;
	close(fd);
	return err;
}

/* ddv.ko as modules.dep knows it (e.g. under /lib/modules/KVER/extra/), or NULL. */
static char *runtime_from_kmod(void)
{
	struct kmod_ctx *kmod = kmod_new(NULL, NULL);
	char *path = NULL;

	if (!kmod)
		return NULL;
	module_path_lookup(kmod, "ddv", &path);
	kmod_unref(kmod);
	return path;
}

/*
 * --log-size SIZE: bytes, or with a K, M or G suffix (powers of 1024); the
 * runtime takes a power of two from 256 bytes to 1 GiB per CPU. Returns 0, or
 * EINVAL with *why saying what is wrong.
 */
int parse_log_size(const char *text, unsigned long long *bytes, const char **why)
{
	unsigned long long n;
	char *end;

	*why = "not a number of bytes (e.g. 4M, 65536)";
	if (!*text || *text == '-')
		return EINVAL;
	errno = 0;
	n = strtoull(text, &end, 10);
	if (errno || end == text)
		return EINVAL;
	if (*end && !end[1]) {
		unsigned int shift = *end == 'K' || *end == 'k' ? 10 :
				     *end == 'M' || *end == 'm' ? 20 :
				     *end == 'G' || *end == 'g' ? 30 : 0;

		if (!shift)
			return EINVAL;
		if (n > (1ULL << 30) >> shift) {
			*why = "more than 1G per CPU";
			return EINVAL;
		}
		n <<= shift;
	} else if (*end) {
		return EINVAL;
	}
	if (n > 1ULL << 30) {
		*why = "more than 1G per CPU";
		return EINVAL;
	}
	if (n < 256 || (n & (n - 1))) {
		*why = "not a power of two of at least 256 bytes";
		return EINVAL;
	}
	*bytes = n;
	return 0;
}

/*
 * ddv.ko: in the module directory (by default the installation's for the running
 * kernel), else as modules.dep knows it; its dir in *mdir.
 */
static char *find_runtime(const char **mdir)
{
	char *runtime = xasprintf("%s/ddv.ko", *mdir), *found, *slash;

	if (!access(runtime, R_OK))
		return runtime;
	found = runtime_from_kmod();
	if (!found)
		return runtime;
	free(runtime);
	slash = strrchr(found, '/');
	*mdir = slash ? xstrndup(found, slash - found) : ".";
	return found;
}

/*
 * Every pack module of pdirs, a ':'-separated list of directories (a vendor's
 * packs beside the installed linux pack); 0, or -errno with a sentence said.
 */
static int insert_packs(const char *pdirs)
{
	char *list = xstrdup(pdirs), *save = NULL, **all = NULL;
	size_t total = 0, left;
	int err = 0;

	for (char *dir = strtok_r(list, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		size_t npacks;
		char **packs = pack_modules(dir, &npacks);

		all = xrealloc(all, (total + npacks + 1) * sizeof(*all));
		memcpy(all + total, packs, npacks * sizeof(*all));
		total += npacks;
		free(packs);
	}
	if (!total)
		ddv_warn("no pack module (ddv-*.ko) in %s: nothing will be checked", pdirs);
	/*
	 * In order; a pack that imports another's types (ddv-rules(5), IMPORTS) is
	 * refused with ENOENT until that one is registered: it is tried again after
	 * the others, as long as a round loads any.
	 */
	for (left = total; left && !err;) {
		size_t before = left;

		left = 0;
		for (size_t i = 0; i < total; i++) {
			int e = all[i] ? insert_module(all[i], NULL) : 0;

			if (e == -ENOENT) {
				left++;
				continue;
			}
			if (e && e != -EEXIST) {
				ddv_error(-e, "start: %s", all[i]);
				err = e;
			}
			free(all[i]);
			all[i] = NULL;
		}
		if (left == before) {
			for (size_t i = 0; i < total; i++)
				if (all[i])
					ddv_error(ENOENT, "start: %s: refused (a pack it imports is "
						  "not loaded? the kernel log says)", all[i]);
			err = -ENOENT;
		}
	}
	for (size_t i = 0; i < total; i++)
		free(all[i]);
	free(all);
	free(list);
	return err;
}

/* The runtime speaks this ddv's control version; 0, or -errno with a sentence said. */
static int check_control_version(int fd)
{
	uint64_t out[4];
	int err = ctl_call(fd, DDV_OP_VERSION, 0, NULL, out);

	if (err) {
		ddv_error(-err, "/dev/ddv: version");
		return err;
	}
	if (out[0] != DDV_UAPI_VERSION) {
		ddv_error(EPROTO, "the runtime speaks control version %llu, this ddv %d",
			  (unsigned long long)out[0], DDV_UAPI_VERSION);
		return -EPROTO;
	}
	return 0;
}

/* "ddv: runtime loaded (state in DIR, log ring ...); pack NAME VERSION: N functions, ..." */
static void print_started(const struct rt_tables *rt)
{
	printf("ddv: runtime loaded (state in %s", state_dir());
	print_log_ring(", log ring ");
	printf(")");
	for (unsigned int i = 0; i < rt->npacks; i++) {
		unsigned int nfuncs = 0;

		for (unsigned int f = 0; f < rt->nfuncs; f++)
			nfuncs += !strcmp(rt->funcs[f].pack, rt->packs[i].name);
		printf("%s pack %s %s: %u functions", i ? "," : ";", rt->packs[i].name,
		       rt->packs[i].version, nfuncs);
	}
	printf("\n");
}

int cmd_start(int argc, char **argv)
{
	static const struct option options[] = {
		{ "modules", required_argument, NULL, 'm' },
		{ "packs", required_argument, NULL, 'p' },
		{ "log-size", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *mdir = NULL, *pdir = NULL, *why;
	struct strbuf params = { 0 };
	unsigned long long log_size = 0;
	struct rt_tables rt;
	char *runtime;
	bool fresh = true;
	int opt, err, fd;

	while ((opt = getopt_long(argc, argv, "m:p:l:h", options, NULL)) != -1) {
		switch (opt) {
		case 'm':
			mdir = optarg;
			break;
		case 'p':
			pdir = optarg;
			break;
		case 'l':
			if (parse_log_size(optarg, &log_size, &why)) {
				ddv_error(EINVAL, "start: --log-size %s: %s", optarg, why);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			printf("usage: ddv start [--modules DIR] [--packs DIR[:DIR...]] [--log-size SIZE] "
			       "[PARAM=VALUE...]\n");
			return EXIT_OK;
		default:
			return EXIT_USAGE;
		}
	}
	/* The runtime's parameter; a PARAM=VALUE after it says the same later and wins. */
	if (log_size)
		sb_printf(&params, "log_ring_bytes=%llu", log_size);
	for (int i = optind; i < argc; i++)
		sb_printf(&params, "%s%s", params.len ? " " : "", argv[i]);
	mdir = module_dir(mdir);
	runtime = find_runtime(&mdir);
	/* --packs DIR[:DIR...], else $DDV_PACK_DIR, else where ddv.ko is. */
	if (!pdir && !(getenv("DDV_PACK_DIR") && *getenv("DDV_PACK_DIR")))
		pdir = mdir;
	pdir = pack_dir(pdir);

	err = insert_module(runtime, params.s);
	if (err == -EEXIST) {
		fresh = false;
		ddv_warn("the runtime is loaded already; parameters not applied");
	} else if (err) {
		ddv_error(-err, "start: %s", runtime);
	}
	free(runtime);
	sb_free(&params);
	if ((err && err != -EEXIST) || insert_packs(pdir))
		return EXIT_ERROR;

	fd = ctl_open();
	if (fd < 0)
		return EXIT_ERROR;
	if (check_control_version(fd)) {
		close(fd);
		return EXIT_ERROR;
	}
	if (fresh) {
		struct utsname u;
		char *path = state_path("kernel");

		state_reset();
		/* The session's kernel, for a report made elsewhere (htmlreport.c). */
		if (!uname(&u))
			write_whole_file(path, u.release, strlen(u.release));
		free(path);
	}
	if (fresh || !kernlog_started())
		kernlog_mark_start();	/* the kernel's complaints count from here */
	if (runtime_tables(fd, &rt)) {
		close(fd);
		return EXIT_ERROR;
	}
	print_started(&rt);
	rt_tables_free(&rt);
	close(fd);
	return EXIT_OK;
}

static int remove_module(const char *name)
{
	if (syscall(SYS_delete_module, name, O_NONBLOCK))
		return -errno;
	return 0;
}

/*
 * Modules that use ddv (the packs), from /proc/modules' "used by" column;
 * *refs: ddv's reference count (open /dev/ddv files, drivers under test).
 */
static char **runtime_users(size_t *n, long *refs)
{
	char **names = NULL, *text, *line, *save = NULL;
	size_t size;

	*n = 0;
	*refs = -1;
	if (read_whole_file("/proc/modules", (void **)&text, &size))
		return NULL;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[64], users[4096];
		long line_refs;

		/* Every line's count is read: keep only ddv's (a busy last line made stop refuse). */
		if (sscanf(line, "%63s %*s %ld %4095s", name, &line_refs, users) != 3 ||
		    strcmp(name, "ddv"))
			continue;
		*refs = line_refs;
		for (char *u = strtok(users, ","); u; u = strtok(NULL, ",")) {
			if (!strcmp(u, "-"))
				continue;
			names = xrealloc(names, (*n + 1) * sizeof(*names));
			names[(*n)++] = xstrdup(u);
		}
	}
	free(text);
	return names;
}

int cmd_stop(int argc, char **argv)
{
	char **users;
	long refs;
	size_t n;
	int err, status = EXIT_OK, fd;

	if (argc > 1) {
		printf("usage: ddv stop\n");
		return strcmp(argv[1], "--help") ? EXIT_USAGE : EXIT_OK;
	}
	/* What the runtime still holds goes to the state first: reports outlive it. */
	fd = open(getenv("DDV_DEVICE") && *getenv("DDV_DEVICE") ? getenv("DDV_DEVICE") : DDV_DEVICE,
		  O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		state_save_tables(fd);
		drain_log(fd);
		kernlog_harvest();
		close(fd);
	}
	users = runtime_users(&n, &refs);
	/* Each pack using ddv holds one reference; any more is a user we must not pull from under. */
	if (refs > (long)n) {
		/* Checked first: unloading the packs of a runtime that stays helps nobody. */
		ddv_error(EBUSY, "stop: the runtime is in use (a driver under test still loaded or "
			  "attached: ddv unload it; or a ddv log --follow still running)");
		for (size_t i = 0; i < n; i++)
			free(users[i]);
		free(users);
		return EXIT_ERROR;
	}
	/*
	 * A pack that imports another's types holds that one's module (a reference
	 * /proc/modules does not list): a pack busy now goes in a later round.
	 */
	for (size_t left = n, before = 0; left && left != before;) {
		before = left;
		left = 0;
		for (size_t i = 0; i < n; i++) {
			if (!users[i])
				continue;
			err = remove_module(users[i]);
			if ((err == -EBUSY || err == -EAGAIN) && before > 1) {
				left++;
				continue;
			}
			if (err) {
				ddv_error(-err, "stop: unloading %s", users[i]);
				status = EXIT_ERROR;
			}
			free(users[i]);
			users[i] = NULL;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (users[i]) {
			ddv_error(EBUSY, "stop: unloading %s", users[i]);
			status = EXIT_ERROR;
			free(users[i]);
		}
	}
	free(users);
	err = remove_module("ddv");
	if (err == -ENOENT) {
		ddv_error(-err, "stop: the runtime is not loaded");
		return EXIT_ERROR;
	}
	if (err) {
		ddv_error(-err, "stop: unloading ddv%s", err == -EBUSY || err == -EAGAIN ?
			  " (a driver under test is still loaded or attached: ddv unload it first)" : "");
		return EXIT_ERROR;
	}
	return status;
}
