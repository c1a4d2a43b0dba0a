/*
 * cmd_vm.c: "ddv vm" runs ddv commands in the bundled VM (Debian's kernel under
 * qemu, vm/run) with this build's ddv, runtime and packs inside, and
 * copies the reports back.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"
#include "runtime.h"
#include "commands.h"

#define GUEST_MODULE_DIR "/usr/local/lib/ddv/modules"
#define GUEST_STATE_DIR "/run/ddv"

struct argvec {
	char **v;
	size_t n;
};

static void av_push(struct argvec *a, const char *s)
{
	a->v = xrealloc(a->v, (a->n + 2) * sizeof(*a->v));
	a->v[a->n++] = xstrdup(s);
	a->v[a->n] = NULL;
}

static void av_free(struct argvec *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
}

/* Adds every file of dir whose name ends in suffix (and starts with prefix) to the guest. */
static unsigned int add_files(struct argvec *a, const char *dir, const char *prefix,
			      const char *suffix, const char *guest_dir)
{
	unsigned int n = 0;
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name), slen = strlen(suffix);
		char *arg;

		if (len <= slen || strcmp(de->d_name + len - slen, suffix) ||
		    strncmp(de->d_name, prefix, strlen(prefix)))
			continue;
		arg = xasprintf("%s/%s:%s/", dir, de->d_name, guest_dir);
		av_push(a, "--add");
		av_push(a, arg);
		free(arg);
		n++;
	}
	closedir(d);
	return n;
}

/*
 * Whether the rig's cached kernel has module name (its modules.dep, '-' and
 * '_' alike); true when no cache is there to ask: vm/run then says.
 */
static bool debian_has_module(const char *srcdir, const char *name)
{
	char *pattern = xasprintf("%s/vm/cache/*/lib/modules/*/modules.dep", srcdir);
	bool found = false;
	glob_t g;

	if (!srcdir || glob(pattern, 0, NULL, &g)) {
		free(pattern);
		return true;
	}
	for (size_t i = 0; i < g.gl_pathc && !found; i++) {
		char *text, *want = xasprintf("/%s.ko", name);
		size_t size;

		for (char *c = want; *c; c++)
			if (*c == '-')
				*c = '_';
		if (!read_whole_file(g.gl_pathv[i], (void **)&text, &size)) {
			for (char *c = text; *c; c++)
				if (*c == '-')
					*c = '_';
			found = strstr(text, want) != NULL;
			free(text);
		}
		free(want);
	}
	globfree(&g);
	free(pattern);
	return found;
}

/* The driver names of 'ddv load NAME' in the commands: Debian modules the guest needs. */
static void scan_loads(const char *srcdir, const char *cmd, struct strbuf *mods)
{
	const char *p = cmd;

	while ((p = strstr(p, "ddv load "))) {
		char name[128];

		p += strlen("ddv load ");
		while (*p == '-' && p[1] == '-') {	/* --timeout S */
			p += strcspn(p, " ");
			p += strspn(p, " ");
			p += strcspn(p, " ");
			p += strspn(p, " ");
		}
		if (sscanf(p, "%127[A-Za-z0-9_-]", name) == 1 && !strchr(name, '/') &&
		    !strstr(name, ".ko") && p[strlen(name)] != '.' && p[strlen(name)] != '/' &&
		    debian_has_module(srcdir, name))
			sb_printf(mods, "%s%s", mods->len ? "," : "", name);
	}
}

static const char *env_or(const char *name, const char *fallback)
{
	const char *v = getenv(name);

	return v && *v ? v : fallback;
}

static int vm_usage(FILE *f)
{
	fprintf(f, "usage: ddv vm [--nic MODEL] [--add FILE]... [--module NAME]... [--timeout S]\n"
		   "              [--smp N] [--mem SIZE] [--qemu ARGS] [--out DIR] [--log FILE]\n"
		   "              [--kver KVER] -- COMMAND...\n"
		   "Each COMMAND is a shell line run in the guest, e.g.\n"
		   "  ddv vm --nic e1000 -- 'ddv start; ddv load e1000; ddv unload e1000; ddv report'\n");
	return f == stdout ? EXIT_OK : EXIT_USAGE;
}

/* What the command line asks of the VM. */
struct vm_opts {
	const char *timeout;
	const char *out_dir;
	const char *kver;	/* the guest kernel (vm/run --kver), NULL for the rig's default */
	struct argvec adds;	/* vm/run's own options: --add, --nic, --smp, --mem, --log */
	struct strbuf mods;	/* the Debian modules the guest needs, comma-separated */
	struct strbuf qemu;	/* extra qemu arguments */
};

/* The options, into o. Returns -1 to go on, or an exit status. */
static int parse_vm_options(int argc, char **argv, struct vm_opts *o)
{
	static const struct option options[] = {
		{ "nic", required_argument, NULL, 'n' },
		{ "add", required_argument, NULL, 'a' },
		{ "module", required_argument, NULL, 'm' },
		{ "timeout", required_argument, NULL, 't' },
		{ "smp", required_argument, NULL, 's' },
		{ "mem", required_argument, NULL, 'M' },
		{ "qemu", required_argument, NULL, 'q' },
		{ "out", required_argument, NULL, 'o' },
		{ "log", required_argument, NULL, 'l' },
		{ "kver", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	long n;
	int opt;

	while ((opt = getopt_long(argc, argv, "+n:a:m:t:s:M:q:o:l:k:h", options, NULL)) != -1) {
		switch (opt) {
		case 'n':
			/* vm/run adds the NIC and the Debian modules that drive it. */
			av_push(&o->adds, "--nic");
			av_push(&o->adds, optarg);
			break;
		case 'a':
			av_push(&o->adds, "--add");
			av_push(&o->adds, optarg);
			break;
		case 'm':
			sb_printf(&o->mods, "%s%s", o->mods.len ? "," : "", optarg);
			break;
		case 't':
			if (!parse_number_option("--timeout", optarg, 1, 86400, &n))
				return EXIT_USAGE;
			o->timeout = optarg;
			break;
		case 's':
			av_push(&o->adds, "--smp");
			av_push(&o->adds, optarg);
			break;
		case 'M':
			av_push(&o->adds, "--mem");
			av_push(&o->adds, optarg);
			break;
		case 'q':
			sb_printf(&o->qemu, "%s%s", o->qemu.len ? " " : "", optarg);
			break;
		case 'o':
			o->out_dir = optarg;
			break;
		case 'l':
			/* The serial console, kept: what a guest that died still said. */
			av_push(&o->adds, "--log");
			av_push(&o->adds, optarg);
			break;
		case 'k':
			o->kver = optarg;
			av_push(&o->adds, "--kver");
			av_push(&o->adds, optarg);
			break;
		case 'h':
			return vm_usage(stdout);
		default:
			return vm_usage(stderr);
		}
	}
	if (optind >= argc)
		return vm_usage(stderr);
	return -1;
}

/* The rig: the source tree's vm/run, else the installed one; NULL (said) when neither runs. */
static char *find_rig(const char *srcdir)
{
	char *run = xasprintf("%s/vm/run", srcdir ? srcdir : "/nonexistent");

	if (access(run, X_OK)) {
		free(run);
		run = xasprintf("%s/run", env_or("DDV_VM_DIR", DDV_VMDIR));
	}
	if (access(run, X_OK)) {
		ddv_error(errno, "%s (the VM rig; set DDV_SRCDIR to the ddv source tree)", run);
		free(run);
		return NULL;
	}
	return run;
}

/*
 * The guest's job, written to script_path: the user's lines (each echoed
 * first; the Debian modules they load go to mods), then the reports into
 * /out. Returns 0, or -1 (said).
 */
static int write_job(const char *srcdir, int ncmds, char **cmds, struct strbuf *mods,
		     char *script_path)
{
	struct strbuf script = { 0 };
	int fd, err = 0;

	sb_printf(&script, "#!/bin/sh\n# written by ddv vm\n"
		  "export DDV_MODULE_DIR=%s DDV_STATE_DIR=%s\n"
		  "mkdir -p /out $DDV_STATE_DIR\nstatus=0\n",
		  GUEST_MODULE_DIR, GUEST_STATE_DIR);
	for (int i = 0; i < ncmds; i++) {
		scan_loads(srcdir, cmds[i], mods);
		sb_puts(&script, "echo '+ ");
		for (const char *c = cmds[i]; *c; c++)
			sb_puts(&script, *c == '\'' ? "'\\''" : (char[]){ *c, 0 });
		sb_printf(&script, "'\n%s\nstatus=$?\n", cmds[i]);
	}
	sb_puts(&script,
		"ddv report >/out/report.txt 2>&1\n"
		"ddv report --json >/out/report.json 2>/dev/null\n"
		"ddv log >/out/log.txt 2>&1\n"
		"ddv log --json >/out/log.json 2>/dev/null\n"
		"cp -r $DDV_STATE_DIR /out/state 2>/dev/null\n"
		"exit $status\n");
	fd = mkstemp(script_path);
	if (fd < 0 || write(fd, script.s, script.len) != (ssize_t)script.len) {
		ddv_error(errno, "%s", script_path);
		err = -1;
	}
	if (fd >= 0)
		close(fd);
	sb_free(&script);
	return err;
}

/*
 * Whether the build tree's modules are for kernel kver: its Makefile's KERNEL_RELEASE
 * (configure --with-kernel), the release the modules were built against.
 */
static bool built_for(const char *builddir, const char *kver)
{
	char *path = xasprintf("%s/Makefile", builddir), *text, *line;
	size_t size, len = strlen(kver);
	bool same = false;

	if (!read_whole_file(path, (void **)&text, &size)) {
		line = strstr(text, "\nKERNEL_RELEASE = ");
		if (line) {
			line += strlen("\nKERNEL_RELEASE = ");
			same = !strncmp(line, kver, len) && (line[len] == '\n' || !line[len]);
		}
		free(text);
	}
	free(path);
	return same;
}

/* vm/run's command line: the job, this ddv, ddv.ko and the packs, then the user's options. */
static void rig_args(struct argvec *a, const char *run, const char *script_path, const char *exe,
		     const char *builddir, const struct vm_opts *o)
{
	char *path;

	av_push(a, run);
	av_push(a, "--script");
	av_push(a, script_path);
	av_push(a, "--timeout");
	av_push(a, o->timeout);
	av_push(a, "--out");
	av_push(a, o->out_dir);
	path = xasprintf("%s:/usr/local/bin/ddv", exe);
	av_push(a, "--add");
	av_push(a, path);
	free(path);
	/* The build tree's modules (with --kver, only when built for that kernel), else
	 * $DDV_MODULE_DIR's, else the installed ones for the guest's kernel (without --kver
	 * the one ddv was configured for, the rig's default). */
	path = builddir && (!o->kver || built_for(builddir, o->kver)) ?
	       xasprintf("%s/runtime/linux", builddir) : NULL;
	if (!path || !add_files(a, path, "ddv", ".ko", GUEST_MODULE_DIR)) {
		char *mdir = getenv("DDV_MODULE_DIR") && *getenv("DDV_MODULE_DIR") ?
			     xstrdup(module_dir(NULL)) :
			     installed_module_dir(o->kver ? o->kver : DDV_KERNEL_RELEASE);

		if (!add_files(a, mdir, "ddv", ".ko", GUEST_MODULE_DIR))
			ddv_warn("no ddv.ko in %s%s%s: build it with 'make modules'",
				 path ? path : "", path ? " or " : "", mdir);
		free(mdir);
	} else {
		free(path);
		path = xasprintf("%s/generated", builddir);
		add_files(a, path, "ddv", ".ko", GUEST_MODULE_DIR);
	}
	free(path);
	for (size_t i = 0; i < o->adds.n; i++)
		av_push(a, o->adds.v[i]);
	if (o->mods.len) {
		av_push(a, "--modules");
		av_push(a, o->mods.s);
	}
	if (o->qemu.len) {
		av_push(a, "--qemu");
		av_push(a, o->qemu.s);
	}
}

/* Runs the rig and says how the guest ended. Returns vm/run's status, or -1 (said). */
static int run_rig(const char *run, char **args, const struct vm_opts *o)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		execv(run, args);
		ddv_error(errno, "%s", run);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0) {
		ddv_error(errno, "vm/run");
		return -1;
	}
	status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	if (status == 124)
		ddv_error(0, "vm: the guest did not finish in %s s (--timeout)", o->timeout);
	else if (status == 125)
		ddv_error(0, "vm: no status from the guest: it died (kernel panic? see the console "
			  "log) or vm/run refused to start it (see its message above)");
	else
		fprintf(stderr, "ddv vm: reports in %s/ (report.txt, report.json, log.txt, log.json)\n",
			o->out_dir);
	return status;
}

int cmd_vm(int argc, char **argv)
{
	/* Run from a build tree, its trees; installed, none (the rig and modules installed). */
	const char *srcdir = env_or("DDV_SRCDIR", source_tree());
	const char *builddir = env_or("DDV_BUILDDIR", build_tree());
	struct vm_opts o = { .timeout = "300", .out_dir = "ddv-vm-out" };
	struct argvec a = { 0 };
	char exe[4096], *run, script_path[] = "/tmp/ddv-vm-XXXXXX";
	int status = parse_vm_options(argc, argv, &o);
	ssize_t len;

	if (status >= 0)
		return status;
	run = find_rig(srcdir);
	if (!run)
		return EXIT_ERROR;
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len < 0) {
		ddv_error(errno, "/proc/self/exe");
		return EXIT_ERROR;
	}
	exe[len] = '\0';
	if (write_job(srcdir, argc - optind, argv + optind, &o.mods, script_path))
		return EXIT_ERROR;
	rig_args(&a, run, script_path, exe, builddir, &o);
	status = run_rig(run, a.v, &o);
	if (status < 0)
		status = EXIT_ERROR;
	else
		unlink(script_path);
	av_free(&a);
	av_free(&o.adds);
	sb_free(&o.qemu);
	sb_free(&o.mods);
	free(run);
	return status;
}
