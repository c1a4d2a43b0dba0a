/*
 * cmd_load.c: "ddv load" arms the runtime for a driver and loads it,
 * "ddv attach" redirects a driver that is loaded already, "ddv unload"
 * removes one.
 *
 * The driver itself is loaded with finit_module() only: busybox insmod
 * retries with init_module() when finit_module() fails, so a failing init
 * would run twice. Its dependencies are loaded first through libkmod, the
 * driver never.
 *
 * A driver family (--with, by default the dependencies not loaded yet) is
 * one driver under test: the members' sites go in the driver's table, each
 * marked with its member, the runtime is armed for all, then the members
 * load (libkmod), then the driver; "ddv unload" removes the driver, then
 * the members, and the family's leak check runs when the last one goes.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <libkmod.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ddv/limits.h>
#include <ddv/uapi.h>

#include "util.h"
#include "module.h"
#include "catalog.h"
#include "runtime.h"
#include "kernlog.h"
#include "decode.h"
#include "commands.h"

#ifndef MODULE_INIT_COMPRESSED_FILE
#define MODULE_INIT_COMPRESSED_FILE 4
#endif

#define DEFAULT_LOAD_TIMEOUT 60

/* A driver named by path (has a '/' or ends in .ko/.ko.xz) or by module name. */
static bool is_path(const char *driver)
{
	size_t len = strlen(driver);

	return strchr(driver, '/') || (len > 3 && !strcmp(driver + len - 3, ".ko")) ||
	       (len > 6 && !strcmp(driver + len - 6, ".ko.xz"));
}

/* The .ko of a module name, from modules.dep, or NULL after saying why. */
static char *find_module_path(struct kmod_ctx *kmod, const char *name)
{
	char *path = NULL;
	int err = module_path_lookup(kmod, name, &path);

	if (err < 0)
		ddv_error(-err, "%s: module lookup", name);
	else if (!path)
		ddv_error(ENOENT, "%s: no such module in modules.dep (give the .ko's path)", name);
	return path;
}

static bool module_loaded(const char *name);

/*
 * Loads the modules the driver needs (.modinfo depends=) with libkmod. A
 * family's members stop at the first that fails (its init failed: the
 * next would load it again, its failure lost).
 */
static int load_dependencies(struct kmod_ctx *kmod, const char *depends, bool first_error)
{
	char *copy, *save = NULL;
	int status = 0;

	if (!depends || !*depends)
		return 0;
	copy = xstrdup(depends);
	for (char *name = strtok_r(copy, ",", &save); name && !(first_error && status);
	     name = strtok_r(NULL, ",", &save)) {
		struct kmod_list *list = NULL, *l;
		int err;

		char *kname = xstrdup(name);
		bool loaded;

		/* Loaded already (an insmod of a module modules.dep does not know): done. */
		for (char *c = kname; *c; c++)
			if (*c == '-')
				*c = '_';
		loaded = module_loaded(kname);
		free(kname);
		if (loaded)
			continue;
		err = kmod_module_new_from_lookup(kmod, name, &list);
		if (err < 0 || !list) {
			ddv_error(err < 0 ? -err : ENOENT, "dependency %s (not loaded, not in modules.dep)", name);
			status = -ENOENT;
			continue;
		}
		kmod_list_foreach(l, list) {
			struct kmod_module *mod = kmod_module_get_module(l);

			err = kmod_module_probe_insert_module(mod, 0, NULL, NULL, NULL, NULL);
			if (err < 0) {
				ddv_error(-err, "loading dependency %s", name);
				status = err;
			}
			kmod_module_unref(mod);
		}
		kmod_module_unref_list(list);
	}
	free(copy);
	return status;
}

/* The runtime's wire form of a site table: struct ddv_site[] and a string blob. */
struct wire_sites {
	struct ddv_site *sites;
	struct strbuf strings;
};

static void wire_sites_build(struct wire_sites *w, const struct site_table *t)
{
	w->sites = xcalloc(t->nsites, sizeof(*w->sites));
	w->strings = (struct strbuf){ 0 };
	sb_add(&w->strings, "", 1);	/* offset 0: the empty name */
	for (size_t i = 0; i < t->nsites; i++) {
		const struct site *s = &t->sites[i];

		w->sites[i].id = i;
		w->sites[i].func_name = w->strings.len;
		sb_add(&w->strings, s->func, strlen(s->func) + 1);
		w->sites[i].func_offset = s->func_offset;
		w->sites[i].api_name = w->strings.len;
		sb_add(&w->strings, s->symbol, strlen(s->symbol) + 1);
		w->sites[i].opcode = s->opcode;
		w->sites[i].init = s->init;
		w->sites[i].member = s->member;
		w->sites[i].flags = s->no_fault ? DDV_SITE_NO_FAULT : 0;
	}
}

/* Sends the site table (TARGET or ATTACH); returns the driver id or -errno. */
static int send_sites(int fd, unsigned int op, const struct site_table *t, uint64_t *out)
{
	struct wire_sites w;
	struct strbuf members = { 0 };
	uint64_t args[8];
	int err;

	wire_sites_build(&w, t);
	for (size_t i = 0; i < t->nmembers; i++)
		sb_add(&members, t->members[i], strlen(t->members[i]) + 1);
	args[0] = (uintptr_t)t->module;
	args[1] = strlen(t->module);
	args[2] = (uintptr_t)w.sites;
	args[3] = t->nsites;
	args[4] = (uintptr_t)w.strings.s;
	args[5] = w.strings.len;
	args[6] = (uintptr_t)members.s;
	args[7] = members.len;
	err = ctl_call(fd, op, t->nmembers ? 8 : 6, args, out);
	free(w.sites);
	sb_free(&w.strings);
	sb_free(&members);
	return err ? err : (int)out[0];
}

static bool module_loaded(const char *name)
{
	char *state = module_initstate(name);

	free(state);
	return state != NULL;
}

/* The kernel's name of a module: '-' as '_' (ne2k-pci.ko is ne2k_pci). */
static char *kernel_name(const char *name)
{
	char *k = xstrdup(name);

	for (char *c = k; *c; c++)
		if (*c == '-')
			*c = '_';
	return k;
}

/* A family past DDV_MAX_MEMBERS: its size, and the modules past the limit. */
static void family_too_big(const char *driver, size_t nmodules, const char *over)
{
	ddv_error(0, "load %s: a family of %zu modules, ddv takes %d: %s would load "
		  "unchecked and stay after the unload (name the family with --with MOD,..., "
		  "or --alone)", driver, nmodules, DDV_MAX_MEMBERS, over);
}

/*
 * The family's other modules into table->members: --with's list (with),
 * else the driver's dependencies, through all levels, that are not loaded
 * yet (loaded ones serve other drivers too; one left out would keep the
 * modules it needs loaded after the family's unload); none with --alone.
 * A family of more than DDV_MAX_MEMBERS modules is refused, the modules
 * past the limit named: left out, they would load untested and stay after
 * the unload. Returns 0, or -E2BIG (said).
 */
static int family_choose(struct kmod_ctx *kmod, struct site_table *table, const char *with,
			 bool alone)
{
	struct strbuf over = { 0 };
	char *copy, *save = NULL;
	size_t nover = 0;

	if (alone)
		return 0;
	copy = with ? xstrdup(with) : module_depends_all(kmod, table->depends);
	for (char *w = strtok_r(copy, ", ", &save); w; w = strtok_r(NULL, ", ", &save)) {
		char *name = kernel_name(w);
		bool skip = !strcmp(name, table->module);

		for (size_t i = 0; i < table->nmembers && !skip; i++)
			skip = !strcmp(table->members[i], name);
		skip = skip || (!with && module_loaded(name));
		if (!skip && table->nmembers + 1 >= DDV_MAX_MEMBERS) {
			sb_printf(&over, "%s%s", nover++ ? ", " : "", name);
			skip = true;
		}
		if (skip) {
			free(name);
			continue;
		}
		table->members = xrealloc(table->members,
					  (table->nmembers + 1) * sizeof(*table->members));
		table->members[table->nmembers++] = name;
	}
	free(copy);
	if (nover)
		family_too_big(table->module, table->nmembers + 1 + nover, over.s);
	sb_free(&over);
	return nover ? -E2BIG : 0;
}

/*
 * --exclude: the sites whose calls the runtime never fails (nor counts), by
 * the called symbol, its API name (the packs' name for it), the site or the
 * driver function that makes the call. Returns how many, or -errno.
 */
static int mark_excluded(int fd, struct site_table *t, char *const *globs, int nglobs)
{
	struct rt_tables rt;
	int n = 0;

	if (!nglobs)
		return 0;
	if (runtime_tables(fd, &rt))
		return -EIO;
	for (size_t i = 0; i < t->nsites; i++) {
		struct site *s = &t->sites[i];

		s->no_fault = call_excluded(globs, nglobs, s->symbol, NULL, s->func, s->func_offset);
		for (unsigned int f = 0; f < rt.nfuncs && !s->no_fault; f++)
			s->no_fault = !strcmp(rt.funcs[f].symbol, s->symbol) &&
				      call_excluded(globs, nglobs, s->symbol, rt.funcs[f].api,
						    s->func, s->func_offset);
		n += s->no_fault;
	}
	rt_tables_free(&rt);
	return n;
}

/* Each member's sites into the driver's table, marked with their member. Returns 0 or -errno. */
static int family_sites(struct kmod_ctx *kmod, struct symset *probed, struct site_table *table)
{
	for (size_t k = 0; k < table->nmembers; k++) {
		const char *name = table->members[k];
		char *path = find_module_path(kmod, name);
		struct site_table mt;
		void *image = NULL;
		bool compressed;
		size_t size;
		int err;

		if (!path)
			return -ENOENT;
		err = modfile_read(path, &image, &size, &compressed);
		if (!err)
			err = relocs_read_image(image, size, path, probed, &mt);
		if (err) {
			free(image);
			free(path);
			return err < 0 ? err : -EIO;
		}
		/* Its symbols, so that its frames stay named after it is gone. */
		modsyms_save(image, size, name, path);
		free(image);
		free(path);
		if (table->nsites + mt.nsites > table->cap) {
			table->cap = table->nsites + mt.nsites;
			table->sites = xrealloc(table->sites, table->cap * sizeof(*table->sites));
		}
		for (size_t i = 0; i < mt.nsites; i++) {
			table->sites[table->nsites] = mt.sites[i];
			table->sites[table->nsites++].member = k + 1;
		}
		mt.nsites = 0;	/* the sites' strings moved */
		site_table_free(&mt);
	}
	return 0;
}

/*
 * Removes a family's members (the driver went first), each once nothing
 * uses it: in passes, since one may use another. Says which stay loaded;
 * returns whether any did.
 */
static bool unload_members(const struct site_table *t)
{
	bool removed = true, stay = false;

	while (removed) {
		removed = false;
		for (size_t k = t->nmembers; k-- > 0;)
			if (module_loaded(t->members[k]) &&
			    !syscall(SYS_delete_module, t->members[k], O_NONBLOCK))
				removed = true;
	}
	for (size_t k = 0; k < t->nmembers; k++) {
		if (module_loaded(t->members[k])) {
			ddv_warn("%s (of %s's family) stays loaded (in use by another module): "
				 "detached, what it made is not judged", t->members[k], t->module);
			stay = true;
		}
	}
	return stay;
}

/*
 * The family of the driver name, from the state's newest site table of it:
 * its driver id, or 0 when it has no members.
 */
static unsigned int family_of(const char *name, struct site_table *out)
{
	unsigned int found = 0;

	memset(out, 0, sizeof(*out));
	for (unsigned int dut = 1; dut < 64; dut++) {
		struct site_table t;

		for (unsigned int gen = 1; !state_load_sites(dut, gen, &t); gen++) {
			if (!strcmp(t.module, name)) {
				site_table_free(out);
				*out = t;
				found = dut;
			} else {
				site_table_free(&t);
			}
		}
	}
	return out->nmembers ? found : 0;
}

/* Does a module of family a (driver and members) belong to family b? */
static bool families_meet(const struct site_table *a, const struct site_table *b)
{
	for (size_t i = 0; i <= a->nmembers; i++) {
		const char *m = i ? a->members[i - 1] : a->module;

		if (!strcmp(m, b->module))
			return true;
		for (size_t j = 0; j < b->nmembers; j++)
			if (!strcmp(m, b->members[j]))
				return true;
	}
	return false;
}

/*
 * After an unload the runtime keeps a driver armed, so that a load by any
 * means is checked again. 'ddv load' sends a fresh site table instead (the
 * file may have changed): the armed driver of a module of this family (its
 * driver or a member), found through the state's site tables, is forgotten
 * first (armed_only: none of its modules loaded). 'ddv detach' forgets the
 * driver of its name loaded or not. Returns how many were.
 */
static int forget_armed(int fd, const struct site_table *family, bool armed_only)
{
	int forgotten = 0;

	for (unsigned int dut = 1; dut < 64; dut++) {
		struct site_table t;
		unsigned int gen;
		bool match = false;

		for (gen = 1; !state_load_sites(dut, gen, &t); gen++) {
			/* Armed, not loaded: none of its modules is there. */
			match = families_meet(family, &t) && (!armed_only || !module_loaded(t.module));
			for (size_t k = 0; match && armed_only && k < t.nmembers; k++)
				match = !module_loaded(t.members[k]);
			site_table_free(&t);
		}
		if (match && !ctl_call(fd, DDV_OP_DETACH, 1, (uint64_t[]){ dut }, NULL))
			forgotten++;
	}
	return forgotten;
}

/* The symbols the loaded packs probe, from the runtime itself. */
static int probed_symbols(int fd, struct symset *set)
{
	struct rt_tables rt;

	if (runtime_tables(fd, &rt))
		return -EIO;
	for (unsigned int i = 0; i < rt.nfuncs; i++)
		symset_add(set, rt.funcs[i].symbol);
	rt_tables_free(&rt);
	if (!set->n)
		ddv_warn("no pack is loaded: no call will be checked (ddv start loads them)");
	return 0;
}

/* Can finit_module() decompress an .xz module itself? (CONFIG_MODULE_DECOMPRESS) */
static bool kernel_decompresses_xz(void)
{
	size_t size;
	char *text;
	bool yes;

	if (read_whole_file("/sys/module/compression", (void **)&text, &size))
		return false;
	yes = strstr(text, "xz") != NULL;
	free(text);
	return yes;
}

/*
 * finit_module() in a child process, so that an init that never returns
 * leaves this command free to report it: a thread stuck in the kernel would
 * keep the whole process (and the shell waiting for it) from exiting.
 * Returns 0 or the init's -errno (-ETIMEDOUT too: an init may return it),
 * or INIT_HUNG when the watchdog expired.
 */
#define INIT_HUNG 1
static int finit_with_watchdog(int module_fd, const char *params, int flags, int timeout_s)
{
	int pipefd[2], wstatus, result = -EIO;
	struct pollfd pfd;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int err = 0;

		close(pipefd[0]);
		if (syscall(SYS_finit_module, module_fd, params, flags))
			err = errno;
		if (write(pipefd[1], &err, sizeof(err)) != sizeof(err))
			_exit(1);
		_exit(0);
	}
	close(pipefd[1]);
	pfd = (struct pollfd){ .fd = pipefd[0], .events = POLLIN };
	for (;;) {
		int n = poll(&pfd, 1, timeout_s > 0 ? timeout_s * 1000 : -1);
		int err;

		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0) {
			result = INIT_HUNG;
			break;	/* the child stays in the kernel; nobody waits for it */
		}
		if (read(pipefd[0], &err, sizeof(err)) == sizeof(err))
			result = -err;
		else if (waitpid(pid, &wstatus, 0) == pid && WIFSIGNALED(wstatus))
			result = -ECANCELED;	/* killed in the kernel: an oops in init */
		waitpid(pid, NULL, 0);
		break;
	}
	close(pipefd[0]);
	return result;
}

struct last_fault {
	int dut;
	struct strbuf where;
};

static void remember_fault(struct decoder *dec, const struct event *ev, void *data)
{
	struct last_fault *lf = data;

	if (!ev->msg || strcmp(ev->msg->rule_id, "ddv.fault-injected") || ev->dut != lf->dut)
		return;
	lf->where.len = 0;
	sb_printf(&lf->where, "%s", ev->api ? ev->api : "?");
	if (ev->site)
		sb_printf(&lf->where, " at %s+0x%x", ev->site->func, ev->site->func_offset);
}

/* The kernel's report of the oops that killed the loader, when its log has it. */
static void kernel_says(const char *module, struct strbuf *text)
{
	struct kcomplaints kc = { 0 };
	const struct kcomplaint *last = NULL;

	kernlog_read(&kc);
	for (size_t i = 0; i < kc.n; i++)
		if (kc.v[i].kind == KC_BUG && kernlog_names_module(&kc.v[i], module))
			last = &kc.v[i];
	if (last) {
		sb_printf(text, "; the kernel: %s%s%s", last->title, last->where ? " at " : "",
			  last->where ? last->where : "");
		/* The driver's frame that led there, when the RIP is the kernel's. */
		for (unsigned int i = 0; i < last->nframes; i++) {
			if (!kernlog_driver_frame(last->frames[i], NULL, NULL))
				continue;
			if (i)
				sb_printf(text, ", from %s", last->frames[i]);
			break;
		}
	}
	kernlog_free(&kc);
}

/*
 * A load that never came back: its init hangs (ddv.hang) or an oops killed the
 * loading task (ddv.crash). The finding names the last fault injected, the
 * likely cause; it is printed and kept for 'ddv report'.
 */
static void report_stuck(int dut, const char *module, const char *rule, const char *what,
			 int seconds)
{
	struct last_fault lf = { .dut = dut };
	struct strbuf text = { 0 }, json = { 0 }, line = { 0 };
	struct session s;
	size_t size;
	void *data;

	/* With no session to name it (said above) the finding still stands, unnamed. */
	if (!session_load(&s, -1)) {
		struct decoder dec;

		decoder_init(&dec, &s.cat, &s.rt, true);
		if (!state_read_records(&data, &size)) {
			decode_stream(&dec, data, size, remember_fault, &lf);
			free(data);
		}
		decoder_free(&dec);
		session_free(&s);
	}
	sb_printf(&text, "the init of %s %s; last fault injected: %s", module, what,
		  lf.where.len ? lf.where.s : "none");
	kernel_says(module, &text);
	sb_printf(&json, "{\"rule\":\"%s\",\"severity\":\"error\",\"message\":", rule);
	sb_json_str(&json, text.s);
	sb_puts(&json, ",\"driver\":");
	sb_json_str(&json, module);
	sb_puts(&json, ",\"last_fault\":");
	if (lf.where.len)
		sb_json_str(&json, lf.where.s);
	else
		sb_puts(&json, "null");
	if (seconds >= 0)
		sb_printf(&json, ",\"seconds\":%d", seconds);
	sb_puts(&json, "}");
	sb_printf(&line, "%s\terror %s: %s\t%s", module, rule, text.s, json.s);
	state_add_finding(line.s);
	printf("error %s: %s\n", rule, text.s);
	sb_free(&text);
	sb_free(&json);
	sb_free(&line);
	sb_free(&lf.where);
}

/* Bytes of records the state holds: where this load's records will start. */
static size_t records_size(void)
{
	char *path = state_path("records");
	struct stat st;
	size_t size = stat(path, &st) ? 0 : (size_t)st.st_size;

	free(path);
	return size;
}

static void find_init_failed(struct decoder *dec, const struct event *ev, void *data)
{
	int *dut = data;

	if (ev->msg && !strcmp(ev->msg->rule_id, "ddv.init-failed") && ev->dut == *dut)
		*dut = -1;
}

/* Whether the records kept since offset say driver dut's init failed. */
static bool init_failed_since(size_t offset, int dut)
{
	struct rt_tables rt = { 0 };
	struct catalog cat;
	struct decoder dec;
	size_t size;
	void *data;

	catalog_init(&cat);	/* the runtime's own messages are all it takes */
	decoder_init(&dec, &cat, &rt, false);
	if (!state_read_records(&data, &size)) {
		if (offset <= size)
			decode_stream(&dec, (char *)data + offset, size - offset, find_init_failed, &dut);
		free(data);
	}
	decoder_free(&dec);
	catalog_free(&cat);
	return dut == -1;
}

/* The options and the PARAM=VALUE words. Returns -1 to go on, or an exit status. */
struct load_args {
	int timeout_s;
	const char *with;	/* --with MOD,...: the family's other modules */
	bool alone;		/* --alone: no family */
	char **exclude;		/* --exclude GLOB: calls never failed */
	int nexclude;
	struct strbuf params;
};

static int parse_load_args(int argc, char **argv, struct load_args *a)
{
	static const struct option options[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ "with", required_argument, NULL, 'w' },
		{ "alone", no_argument, NULL, 'A' },
		{ "exclude", required_argument, NULL, 'X' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct strbuf *params = &a->params;
	long n;
	int opt;

	while ((opt = getopt_long(argc, argv, "+t:w:AX:h", options, NULL)) != -1) {
		switch (opt) {
		case 't':
			if (!parse_number_option("--timeout", optarg, 1, 86400, &n))
				return EXIT_USAGE;
			a->timeout_s = n;
			break;
		case 'w':
			a->with = optarg;
			break;
		case 'A':
			a->alone = true;
			break;
		case 'X':
			a->exclude = xrealloc(a->exclude, (a->nexclude + 1) * sizeof(*a->exclude));
			a->exclude[a->nexclude++] = optarg;
			break;
		case 'h':
			printf("usage: ddv load [--timeout S] [--with MOD,...|--alone] [--exclude GLOB]... "
			       "DRIVER|FILE.ko [PARAM=VALUE...]\n");
			return EXIT_OK;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		ddv_error(0, "load: which driver? (ddv load DRIVER [PARAM=VALUE...])");
		return EXIT_USAGE;
	}
	if (a->with && a->alone) {
		ddv_error(EINVAL, "load: --with and --alone together");
		return EXIT_USAGE;
	}
	if (a->with) {
		/* Said before the runtime is asked anything: family_choose() says it for a closure. */
		char *copy = xstrdup(a->with), *save = NULL;
		struct strbuf over = { 0 };
		int n = 0;

		for (char *w = strtok_r(copy, ", ", &save); w; w = strtok_r(NULL, ", ", &save))
			if (++n >= DDV_MAX_MEMBERS)
				sb_printf(&over, "%s%s", over.len ? ", " : "", w);
		if (over.len)
			family_too_big(argv[optind], n + 1, over.s);
		free(copy);
		sb_free(&over);
		if (n >= DDV_MAX_MEMBERS)
			return EXIT_USAGE;
	}
	for (int i = optind + 1; i < argc; i++)
		sb_printf(params, "%s%s", i > optind + 1 ? " " : "", argv[i]);
	if (!params->s)
		sb_puts(params, "");
	return -1;
}

/*
 * The module's bytes for finit_module(): the file, or a memfd of the plain
 * ELF when the kernel does not decompress it. Returns the fd, or -1.
 */
static int module_bytes_fd(const char *path, const void *image, size_t size, bool compressed,
			   const char *module, int *flags)
{
	int module_fd;

	*flags = 0;
	if (compressed && kernel_decompresses_xz()) {
		module_fd = open(path, O_RDONLY | O_CLOEXEC);
		*flags = MODULE_INIT_COMPRESSED_FILE;
	} else if (compressed) {
		module_fd = memfd_create(module, MFD_CLOEXEC);
		if (module_fd >= 0 && write(module_fd, image, size) != (ssize_t)size) {
			close(module_fd);
			module_fd = -1;
		}
	} else {
		module_fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	return module_fd;
}

/* The sentence of a refused arm or attach: the runtime holds DDV_MAX_DUTS - 1 drivers. */
static void say_full(void)
{
	fprintf(stderr, "ddv: %d drivers are under test or armed (the runtime's limit): "
		"ddv detach one (ddv status lists them)\n", DDV_MAX_DUTS - 1);
}

/* Arms the runtime for the driver's sites. Returns its driver id, or -errno (said). */
static int arm_driver(int fd, struct site_table *table)
{
	uint64_t out[4];
	int dut = send_sites(fd, DDV_OP_TARGET, table, out);

	if (dut == -EBUSY && !module_loaded(table->module) && forget_armed(fd, table, true))
		dut = send_sites(fd, DDV_OP_TARGET, table, out);
	if (dut < 0)
		ddv_error(-dut, "load: arming for %s%s", table->module,
			  dut == -EEXIST && table->nmembers ?
			  " (it or a member of its family is loaded already: unload it first, or "
			  "leave it out with --with or --alone)" :
			  dut == -EEXIST ? " (it is loaded already: ddv attach it, or ddv unload it first)" :
			  dut == -EBUSY ? " (loaded and under test already: ddv unload it first)" : "");
	if (dut == -ENOSPC)
		say_full();
	return dut;
}

/* "ddv: MODULE loaded: ...", with the sites the runtime redirected when it says. */
static void print_loaded(int fd, int dut, const struct site_table *table)
{
	struct ddv_status st = { 0 };
	uint64_t args[3] = { dut, (uintptr_t)&st, sizeof(st) };

	if (!ctl_call(fd, DDV_OP_STATUS, 3, args, NULL))
		printf("ddv: %s loaded: %zu call sites, %llu redirected, %llu refused\n",
		       table->module, table->nsites, (unsigned long long)st.sites_patched,
		       (unsigned long long)st.sites_refused);
	else
		printf("ddv: %s loaded: %zu call sites\n", table->module, table->nsites);
	for (size_t k = 0; k < table->nmembers; k++)
		printf("%s%s%s", k ? ", " : "ddv: its family: ", table->members[k],
		       k + 1 == table->nmembers ? " (ddv unload removes them with it)\n" : "");
}

/*
 * What finit_module()'s answer err means for driver dut: a hang, a crash,
 * a failed init or a refused module (reported), or a load. Returns the
 * exit status.
 */
static int load_outcome(int fd, int dut, const struct site_table *table, int err, int timeout_s,
			size_t records_before)
{
	if (err == INIT_HUNG) {
		char *what_hang = xasprintf("has not returned after %d s", timeout_s);

		report_stuck(dut, table->module, "ddv.hang", what_hang, timeout_s);
		free(what_hang);
		return EXIT_HANG;
	}
	if (err == -ECANCELED || (err && module_stuck_in_init(table->module))) {
		report_stuck(dut, table->module, "ddv.crash",
			     "crashed: the kernel killed the loading task (oops) and the module "
			     "is stuck half loaded", -1);
		return EXIT_INIT_FAILED;
	}
	if (err) {
		uint64_t arg = dut;

		/* The family's leak check runs when its last module goes. */
		unload_members(table);
		drain_log(fd);
		/* A load refused before init leaves the driver armed: forget it. */
		ctl_call(fd, DDV_OP_DETACH, 1, &arg, NULL);
		/* The log tells a failed init (ddv.init-failed) from a refused module. */
		ddv_error(-err, "load %s: %s", table->module,
			  init_failed_since(records_before, dut) ?
			  "its init failed" : "the kernel refused the module (finit_module)");
		return EXIT_INIT_FAILED;
	}
	print_loaded(fd, dut, table);
	return EXIT_OK;
}

int cmd_load(int argc, char **argv)
{
	struct load_args a = { .timeout_s = DEFAULT_LOAD_TIMEOUT };
	int fd, module_fd = -1, flags, err, dut, nexcluded;
	struct symset probed = { 0 };
	struct kmod_ctx *kmod = NULL;
	struct site_table table;
	char *path = NULL;
	unsigned int generation;
	bool compressed;
	size_t size, records_before;
	void *image;
	int status = parse_load_args(argc, argv, &a);

	if (status >= 0) {
		sb_free(&a.params);
		free(a.exclude);
		return status;
	}
	status = EXIT_ERROR;
	fd = ctl_open();
	if (fd < 0)
		goto out;
	kmod = kmod_new(NULL, NULL);
	if (!kmod) {
		ddv_error(ENOMEM, "libkmod");
		goto out;
	}
	path = is_path(argv[optind]) ? xstrdup(argv[optind]) : find_module_path(kmod, argv[optind]);
	if (!path)
		goto out;
	if (probed_symbols(fd, &probed))
		goto out;
	if (modfile_read(path, &image, &size, &compressed))
		goto out;
	err = relocs_read_image(image, size, path, &probed, &table);
	if (err) {
		free(image);
		goto out;
	}
	if (!table.module)
		table.module = xstrdup(argv[optind]);
	/* Its symbols, so that its frames stay named after it is gone. */
	modsyms_save(image, size, table.module, path);
	if (family_choose(kmod, &table, a.with, a.alone) ||
	    family_sites(kmod, &probed, &table) ||
	    (!table.nmembers && load_dependencies(kmod, table.depends, false))) {
		free(image);
		goto out_table;
	}
	nexcluded = mark_excluded(fd, &table, a.exclude, a.nexclude);
	if (nexcluded < 0) {
		free(image);
		goto out_table;
	}
	if (a.nexclude)
		printf("ddv: %d call sites of %zu never failed (--exclude)\n", nexcluded,
		       table.nsites);
	module_fd = module_bytes_fd(path, image, size, compressed, table.module, &flags);
	free(image);
	if (module_fd < 0) {
		ddv_error(errno, "%s", path);
		goto out_table;
	}

	drain_log(fd);
	records_before = records_size();
	dut = arm_driver(fd, &table);
	if (dut < 0)
		goto out_table;
	if (state_save_tables(fd) || state_save_sites(dut, &table, &generation))
		goto out_table;
	if (table.nmembers) {
		/* Armed first, so that the members' init is checked too. */
		struct strbuf members = { 0 };

		for (size_t k = 0; k < table.nmembers; k++)
			sb_printf(&members, "%s%s", k ? "," : "", table.members[k]);
		err = load_dependencies(kmod, members.s, true);
		if (!err)
			err = load_dependencies(kmod, table.depends, true);
		sb_free(&members);
		if (err) {
			unload_members(&table);
			drain_log(fd);
			ctl_call(fd, DDV_OP_DETACH, 1, (uint64_t[]){ dut }, NULL);
			kernlog_harvest();
			ddv_error(-err, "load %s: a module of its family did not load", table.module);
			status = err == -ENOENT ? EXIT_ERROR : EXIT_INIT_FAILED;
			goto out_table;
		}
	}
	err = finit_with_watchdog(module_fd, a.params.s, flags, a.timeout_s);
	drain_log(fd);
	kernlog_harvest();
	status = load_outcome(fd, dut, &table, err, a.timeout_s, records_before);
out_table:
	site_table_free(&table);
out:
	if (module_fd >= 0)
		close(module_fd);
	if (kmod)
		kmod_unref(kmod);
	symset_free(&probed);
	sb_free(&a.params);
	free(a.exclude);
	free(path);
	return status;
}

int cmd_attach(int argc, char **argv)
{
	struct symset probed = { 0 };
	struct kmod_ctx *kmod = NULL;
	struct site_table table;
	const char *name, *file = NULL;
	unsigned int generation;
	char *path = NULL;
	uint64_t out[4];
	void *image;
	size_t size;
	bool compressed;
	int fd, dut, status = EXIT_ERROR;

	if (argc == 4 && !strcmp(argv[2], "--path")) {
		file = argv[3];
	} else if (argc != 2 || argv[1][0] == '-') {
		printf("usage: ddv attach NAME [--path FILE.ko]\n");
		return argc == 2 && !strcmp(argv[1], "--help") ? EXIT_OK : EXIT_USAGE;
	}
	name = argv[1];
	fd = ctl_open();
	if (fd < 0)
		return EXIT_ERROR;
	if (!file) {
		kmod = kmod_new(NULL, NULL);
		path = kmod ? find_module_path(kmod, name) : NULL;
		if (!path)
			goto out;
	} else {
		path = xstrdup(file);
	}
	if (probed_symbols(fd, &probed) || relocs_read_file(path, &probed, &table))
		goto out;
	free(table.module);
	table.module = xstrdup(name);
	if (!modfile_read(path, &image, &size, &compressed)) {
		modsyms_save(image, size, name, path);
		free(image);
	}
	drain_log(fd);
	dut = send_sites(fd, DDV_OP_ATTACH, &table, out);
	if (dut < 0) {
		ddv_error(-dut, "attach %s%s", name, dut == -ENOENT ? " (not loaded: ddv load it)" : "");
		if (dut == -ENOSPC)
			say_full();
	} else if (!state_save_tables(fd) && !state_save_sites(dut, &table, &generation)) {
		/* Init text is gone once a module is live: those sites cannot be redirected. */
		printf("ddv: attached to %s: %zu call sites, %llu redirected, %llu refused\n", name,
		       table.nsites, (unsigned long long)out[1], (unsigned long long)out[2]);
		status = EXIT_OK;
	}
	drain_log(fd);
	site_table_free(&table);
out:
	if (kmod)
		kmod_unref(kmod);
	symset_free(&probed);
	free(path);
	close(fd);
	return status;
}

/*
 * Stops checking a driver without unloading it: its sites are restored (the
 * runtime drains its calls in flight first), its objects forgotten without a
 * leak report, as after an attach.
 */
int cmd_detach(int argc, char **argv)
{
	char *name;
	int fd, n;

	if (argc != 2 || argv[1][0] == '-') {
		printf("usage: ddv detach NAME\n");
		return argc == 2 && !strcmp(argv[1], "--help") ? EXIT_OK : EXIT_USAGE;
	}
	name = xstrdup(argv[1]);
	for (char *c = name; *c; c++)
		if (*c == '-')
			*c = '_';
	fd = ctl_open();
	if (fd < 0) {
		free(name);
		return EXIT_ERROR;
	}
	n = forget_armed(fd, &(struct site_table){ .module = name }, false);
	drain_log(fd);
	close(fd);
	if (!n) {
		ddv_error(ENOENT, "detach %s (not under test)", argv[1]);
		free(name);
		return EXIT_ERROR;
	}
	printf("ddv: detached from %s\n", name);
	free(name);
	return EXIT_OK;
}

int cmd_unload(int argc, char **argv)
{
	struct site_table family;
	unsigned int dut;
	char *name;
	int fd, err = 0;

	if (argc != 2 || argv[1][0] == '-') {
		printf("usage: ddv unload NAME\n");
		return argc == 2 && !strcmp(argv[1], "--help") ? EXIT_OK : EXIT_USAGE;
	}
	/* The kernel names modules with '_' where files say '-' (ne2k-pci.ko is ne2k_pci). */
	name = kernel_name(argv[1]);
	if (syscall(SYS_delete_module, name, O_NONBLOCK))
		err = errno;
	if (err) {
		ddv_error(err, "unload %s%s", argv[1],
			  err == EWOULDBLOCK || err == EBUSY ? " (in use)" :
			  err == ENOENT ? " (not loaded)" : "");
		free(name);
		return EXIT_ERROR;
	}
	/*
	 * Its family goes with it; a member another module uses stays, detached
	 * (its objects forgotten), so that nothing of ddv's is left patched.
	 */
	dut = family_of(name, &family);
	if (dut && unload_members(&family)) {
		fd = ctl_open();
		if (fd >= 0) {
			drain_log(fd);
			ctl_call(fd, DDV_OP_DETACH, 1, (uint64_t[]){ dut }, NULL);
			close(fd);
		}
	}
	site_table_free(&family);
	free(name);
	/* The leak check ran at GOING: keep its records. */
	fd = open(getenv("DDV_DEVICE") && *getenv("DDV_DEVICE") ? getenv("DDV_DEVICE") : DDV_DEVICE,
		  O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		drain_log(fd);
		close(fd);
	}
	kernlog_harvest();
	return EXIT_OK;
}
