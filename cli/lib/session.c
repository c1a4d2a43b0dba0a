/*
 * session.c: one snapshot of what the runtime has loaded: its pack and
 * function tables and each pack's catalog, taken together. From the runtime
 * itself while it is there (kept in the state directory as it is read), else
 * from the state directory's copy, so that records still decode after the
 * runtime is gone. Every command that names rules, functions or sites goes
 * through session_load(): a catalog that is not the one of the pack the
 * runtime lists (another version) is refused, never used to name a rule.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ddv/uapi.h>

#include "runtime.h"
#include "util.h"
#include "catalog.h"

/* Is the runtime's control device there (loaded, whoever may use it)? */
bool runtime_present(void)
{
	const char *dev = getenv("DDV_DEVICE");

	return !access(dev && *dev ? dev : DDV_DEVICE, F_OK);
}

/* May this user open it (root's: CAP_SYS_ADMIN; the node is 0600)? */
bool runtime_usable(void)
{
	const char *dev = getenv("DDV_DEVICE");

	return !access(dev && *dev ? dev : DDV_DEVICE, R_OK | W_OK);
}

/* Moves the one pack of one into cat. */
static void take_pack(struct catalog *cat, struct catalog *one)
{
	cat->packs = xrealloc(cat->packs, (cat->npacks + 1) * sizeof(*cat->packs));
	cat->packs[cat->npacks++] = one->packs[0];
	one->npacks = 0;
	catalog_free(one);
}

/* The catalog of runtime pack rp, checked against it; -ESTALE when it is another's. */
static int add_pack_catalog(struct catalog *cat, const struct rt_pack *rp)
{
	struct catalog one = { 0 };
	char *path = state_catalog_path(rp->id), *text;
	size_t size;
	int err;

	err = read_whole_file(path, (void **)&text, &size);
	if (err == -ENOENT) {
		ddv_warn("pack %s carries no catalog: its records show as numbers", rp->name);
		free(path);
		return 0;
	}
	if (err) {
		ddv_error(-err, "%s", path);
		free(path);
		return err;
	}
	err = catalog_parse(&one, text, path);
	free(text);
	if (!err && (one.npacks != 1 || strcmp(one.packs[0]->name, rp->name) ||
		     strcmp(one.packs[0]->version, rp->version))) {
		ddv_error(ESTALE, "pack %s: the runtime has version %s, but its catalog (%s) is %s %s: "
			  "refusing to name its rules and functions by it (a pack module carries its "
			  "own: rebuild the pack with ddvc)",
			  rp->name, rp->version, path, one.npacks ? one.packs[0]->name : "no pack",
			  one.npacks ? one.packs[0]->version : "");
		err = -ESTALE;
	}
	free(path);
	if (err) {
		catalog_free(&one);
		return err;
	}
	take_pack(cat, &one);
	return 0;
}

/*
 * The session: with ctl_fd >= 0 the runtime's tables and catalogs as they are
 * now (saved to the state directory first), else the state directory's copy.
 * Returns 0, or -errno with a sentence said: -ENOENT when there is no session
 * (no 'ddv start' since the state directory was made), -ESTALE for a catalog
 * of another version than its pack's.
 */
int session_load(struct session *s, int ctl_fd)
{
	int err = 0;

	memset(s, 0, sizeof(*s));
	if (ctl_fd >= 0 && (err = state_save_tables(ctl_fd)))
		return err;
	if (!state_has_tables()) {
		ddv_error(ENOENT, "no ddv session in %s: nothing to show (run 'ddv start' first)",
			  state_dir());
		return -ENOENT;
	}
	state_load_tables(&s->rt);
	catalog_init(&s->cat);
	for (unsigned int i = 0; i < s->rt.npacks && !err; i++) {
		/* A pack unloaded and loaded again under another id: its latest one names it. */
		if (!catalog_pack(&s->cat, s->rt.packs[i].name))
			err = add_pack_catalog(&s->cat, &s->rt.packs[i]);
	}
	if (err)
		session_free(s);
	return err;
}

void session_free(struct session *s)
{
	rt_tables_free(&s->rt);
	catalog_free(&s->cat);
}
