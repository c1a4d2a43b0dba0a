/* common.c: steps several subcommands share: tables, draining, directories. */
#include <errno.h>
#include <fcntl.h>
#include <libkmod.h>
#include <stdlib.h>
#include <string.h>
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

/* --modules DIR, else $DDV_MODULE_DIR, else the installation's. */
const char *module_dir(const char *override)
{
	const char *env = getenv("DDV_MODULE_DIR");

	if (override)
		return override;
	if (env && *env)
		return env;
	return DDV_MODULEDIR;
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
