/* common.c: steps several subcommands share: tables, draining, directories. */
#include <errno.h>
#include <fcntl.h>
#include <libkmod.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <ddv/uapi.h>

#include "runtime.h"
#include "util.h"
#include "catalog.h"

/* The runtime's live pack and function tables, checked with its catalogs (session.c). */
int runtime_tables(int ctl_fd, struct rt_tables *rt)
{
	struct session s;
	int err = session_load(&s, ctl_fd);

	if (err)
		return err;
	*rt = s.rt;
	catalog_free(&s.cat);
	return 0;
}

/*
 * Moves the records waiting in the runtime into the state directory, so
 * that every later 'ddv log' or 'ddv report' sees them. A second descriptor,
 * non-blocking, so an empty log returns at once.
 */
int drain_log(int ctl_fd)
{
	const char *dev = getenv("DDV_DEVICE");
	size_t bytes;
	int fd, err;

	(void)ctl_fd;
	fd = open(dev && *dev ? dev : DDV_DEVICE, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = state_drain(fd, &bytes);
	close(fd);
	return err;
}

/* The directory of this ddv's executable (malloc'ed), or NULL. */
static char *exe_dir(void)
{
	char exe[4096], *slash;
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (len <= 0)
		return NULL;
	exe[len] = '\0';
	slash = strrchr(exe, '/');
	return slash ? xstrndup(exe, slash - exe) : NULL;
}

/*
 * The build tree this ddv runs from (BUILD/cli/ddv, BUILD/config.status beside),
 * or NULL when it runs installed: an installed ddv never looks for a build tree.
 */
const char *build_tree(void)
{
	static char *tree;
	static bool known;
	char *dir, *status;

	if (known)
		return tree;
	known = true;
	dir = exe_dir();
	if (!dir)
		return NULL;
	status = xasprintf("%s/../config.status", dir);
	if (strlen(dir) > 4 && !strcmp(dir + strlen(dir) - 4, "/cli") && !access(status, R_OK))
		tree = xstrndup(dir, strlen(dir) - 4);
	free(status);
	free(dir);
	return tree;
}

/* The source tree of build_tree(): its Makefile's abs_top_srcdir; NULL when installed. */
const char *source_tree(void)
{
	static char *tree;
	static bool known;
	char *path, *text, *line;
	size_t size;

	if (known || !build_tree())
		return tree;
	known = true;
	path = xasprintf("%s/Makefile", build_tree());
	if (!read_whole_file(path, (void **)&text, &size)) {
		line = strstr(text, "\nabs_top_srcdir = ");
		if (line) {
			line += strlen("\nabs_top_srcdir = ");
			tree = xstrndup(line, strcspn(line, "\n"));
		}
		free(text);
	}
	free(path);
	return tree;
}

/* path (malloc'ed) when it holds ddv.ko, else NULL (path freed). */
static char *with_ddv_ko(char *path)
{
	char *ko = xasprintf("%s/ddv.ko", path);
	bool there = !access(ko, R_OK);

	free(ko);
	if (!there)
		free(path);
	return there ? path : NULL;
}

/*
 * The installation's directory of ddv.ko and the packs for kernel kver:
 * PREFIX/lib/ddv/modules/KVER beside this ddv's PREFIX/bin (a staged or moved
 * installation), else where DKMS installs them on Debian
 * (/lib/modules/KVER/updates/dkms: dkms/dkms.conf), else the configured one.
 * Malloc'ed.
 */
char *installed_module_dir(const char *kver)
{
	char *dir = exe_dir(), *path = NULL;
	size_t len = dir ? strlen(dir) : 0;

	if (len > 4 && !strcmp(dir + len - 4, "/bin"))
		path = with_ddv_ko(xasprintf("%.*s/lib/ddv/modules/%s", (int)(len - 4), dir, kver));
	free(dir);
	if (!path)
		path = with_ddv_ko(xasprintf("/lib/modules/%s/updates/dkms", kver));
	return path ? path : xasprintf("%s/%s", DDV_MODULEDIR, kver);
}

/* The installed SDK (specs, headers) beside this ddv: PREFIX/share/ddv/sdk, malloc'ed, or NULL. */
char *installed_sdk_dir(void)
{
	char *dir = exe_dir(), *path = NULL;
	size_t len = dir ? strlen(dir) : 0;

	if (len > 4 && !strcmp(dir + len - 4, "/bin"))
		path = xasprintf("%.*s/share/ddv/sdk", (int)(len - 4), dir);
	free(dir);
	return path;
}

/* --modules DIR, else $DDV_MODULE_DIR, else the installation's for the running kernel. */
const char *module_dir(const char *override)
{
	const char *env = getenv("DDV_MODULE_DIR");
	static char *installed;
	struct utsname u;

	if (override)
		return override;
	if (env && *env)
		return env;
	if (!installed)
		installed = installed_module_dir(uname(&u) ? "unknown" : u.release);
	return installed;
}

/*
 * The runtime's function ids for a name: an exported symbol (kmalloc_trace)
 * or an API that groups several (kmalloc). Returns how many (at most max).
 */
int find_funcs(const struct rt_tables *rt, const char *name, unsigned int *ids, unsigned int max)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < rt->nfuncs && n < max; i++)
		if (!strcmp(rt->funcs[i].symbol, name))
			ids[n++] = rt->funcs[i].id;
	if (n)
		return n;
	for (unsigned int i = 0; i < rt->nfuncs && n < max; i++)
		if (!strcmp(rt->funcs[i].api, name))
			ids[n++] = rt->funcs[i].id;
	return n;
}

/* The module's init state (/sys/module/M/initstate): "live", "coming", or NULL when gone. */
char *module_initstate(const char *module)
{
	char *path = xasprintf("/sys/module/%s/initstate", module), *text = NULL;
	size_t size;

	if (read_whole_file(path, (void **)&text, &size)) {
		free(path);
		return NULL;
	}
	free(path);
	text[strcspn(text, "\n")] = '\0';
	return text;
}

/* Whether the module is stuck in its init ("coming"): a hang, or an oops that killed its loader. */
bool module_stuck_in_init(const char *module)
{
	char *state = module_initstate(module);
	bool stuck = state && !strcmp(state, "coming");

	free(state);
	return stuck;
}

/*
 * The modules a driver needs, through all levels: depends (a .modinfo
 * depends= list) first, then what modules.dep says each of them needs in
 * turn, so that a cut of the list drops the farthest. A comma list to free,
 * with repeats; a name modules.dep does not know stays, alone.
 */
char *module_depends_all(struct kmod_ctx *kmod, const char *depends)
{
	struct strbuf all = { 0 };
	char *copy, *save = NULL;

	if (!depends || !*depends)
		return xstrdup("");
	sb_puts(&all, depends);
	copy = xstrdup(depends);
	for (char *name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		struct kmod_module *mod = NULL;
		struct kmod_list *deps, *l;

		if (kmod_module_new_from_name(kmod, name, &mod) < 0)
			continue;
		deps = kmod_module_get_dependencies(mod);
		kmod_list_foreach(l, deps) {
			struct kmod_module *dep = kmod_module_get_module(l);

			sb_printf(&all, ",%s", kmod_module_get_name(dep));
			kmod_module_unref(dep);
		}
		kmod_module_unref_list(deps);
		kmod_module_unref(mod);
	}
	free(copy);
	return all.s;
}

/* The .ko of a module name, from modules.dep through libkmod: 0 and *path (NULL: none), or -errno. */
int module_path_lookup(struct kmod_ctx *kmod, const char *name, char **path)
{
	struct kmod_list *list = NULL, *l;
	int err = kmod_module_new_from_lookup(kmod, name, &list);

	*path = NULL;
	if (err < 0)
		return err;
	kmod_list_foreach(l, list) {
		struct kmod_module *mod = kmod_module_get_module(l);
		const char *p = kmod_module_get_path(mod);

		if (p && !*path)
			*path = xstrdup(p);
		kmod_module_unref(mod);
	}
	kmod_module_unref_list(list);
	return 0;
}
