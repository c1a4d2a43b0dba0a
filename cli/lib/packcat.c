/*
 * packcat.c: where a pack's catalog lives: inside its pack module. ddvc writes
 * the catalog text into the section .ddv_catalog of ddv-PACK.ko and points the
 * pack's descriptor at it, so the runtime hands the ddv command the very text
 * of the module it loaded (session.c), and a command that works without the
 * runtime (ddv sites, ddv config) reads it from the module file.
 */
#include <dirent.h>
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ddv/limits.h>

#include "catalog.h"
#include "util.h"
#include "module.h"
#include "runtime.h"

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The pack modules of dir: ddv-NAME.ko or ddv_NAME.ko, in name order; NULL when none. */
char **pack_modules(const char *dir, size_t *n)
{
	char **names = NULL;
	struct dirent *de;
	DIR *d;

	*n = 0;
	d = opendir(dir);
	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		bool pack = !strncmp(de->d_name, "ddv-", 4) || !strncmp(de->d_name, "ddv_", 4);

		if (len > 7 && pack && !strcmp(de->d_name + len - 3, ".ko")) {
			names = xrealloc(names, (*n + 1) * sizeof(*names));
			names[(*n)++] = xasprintf("%s/%s", dir, de->d_name);
		}
	}
	closedir(d);
	if (*n)
		qsort(names, *n, sizeof(*names), compare_strings);
	return names;
}

/* The pack directory: --packs DIR, else $DDV_PACK_DIR, else the module directory. */
const char *pack_dir(const char *override)
{
	const char *env = getenv("DDV_PACK_DIR");

	if (override)
		return override;
	if (env && *env)
		return env;
	return module_dir(NULL);
}

/* The catalog section's bytes in a module image; -ENOENT when it has none. */
static int section_text(const void *image, size_t size, const char *what, char **text)
{
	Elf *elf;
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	int err = -ENOENT;

	elf_version(EV_CURRENT);
	elf = elf_memory((char *)image, size);
	if (!elf || elf_kind(elf) != ELF_K_ELF || elf_getshdrstrndx(elf, &shstrndx)) {
		ddv_error(EINVAL, "%s: not an ELF module", what);
		if (elf)
			elf_end(elf);
		return -EINVAL;
	}
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr shdr;
		const char *name;
		Elf_Data *data;

		if (!gelf_getshdr(scn, &shdr))
			continue;
		name = elf_strptr(elf, shstrndx, shdr.sh_name);
		if (!name || strcmp(name, DDV_CATALOG_SECTION) || shdr.sh_type != SHT_PROGBITS)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data || !data->d_buf)
			break;
		*text = xstrndup(data->d_buf, data->d_size);
		err = 0;
		break;
	}
	elf_end(elf);
	return err;
}

/* The catalog text a pack module carries; -ENOENT (and a sentence) when it has none. */
int catalog_read_module(const char *path, char **text)
{
	bool compressed;
	size_t size;
	void *image;
	int err;

	err = modfile_read(path, &image, &size, &compressed);
	if (err)
		return err;
	err = section_text(image, size, path, text);
	free(image);
	if (err == -ENOENT)
		ddv_error(ENOENT, "%s: no catalog (section %s): is it a pack module built by ddvc?",
			  path, DDV_CATALOG_SECTION);
	return err;
}

/* --pack FILE: a pack module, or a catalog as 'ddvc catalog' writes it. */
int catalog_add_file(struct catalog *cat, const char *path)
{
	size_t len = strlen(path), size;
	char *text;
	int err;

	if (len > 3 && (!strcmp(path + len - 3, ".ko") || !strcmp(path + len - 6, ".ko.xz")))
		err = catalog_read_module(path, &text);
	else if ((err = read_whole_file(path, (void **)&text, &size)))
		ddv_error(-err, "%s", path);
	if (err)
		return err;
	err = catalog_parse(cat, text, path);
	free(text);
	return err;
}

/*
 * For a command that needs names but not the runtime: the catalogs of the
 * packs the runtime has loaded when it is there and this user may ask it
 * (any user may list a module's sites), else those of the --pack
 * files, else those of the pack modules in the pack directory. Returns 0,
 * or -errno with a sentence said; -ENOENT unsaid when there is nothing to
 * read and names are not required.
 */
int catalog_offline(struct catalog *cat, char *const *files, size_t nfiles, bool required)
{
	struct session s;
	char **mods = NULL;
	size_t nmods = 0;
	int err = 0;

	if (!nfiles && runtime_usable()) {
		int fd = ctl_open();

		err = fd < 0 ? fd : session_load(&s, fd);
		if (fd >= 0)
			close(fd);
		if (err)
			return err;
		rt_tables_free(&s.rt);
		*cat = s.cat;
		return 0;
	}
	catalog_init(cat);
	if (!nfiles) {
		mods = pack_modules(pack_dir(NULL), &nmods);
		if (!nmods) {
			catalog_free(cat);
			if (!required)
				return -ENOENT;
			ddv_error(ENOENT, "no runtime loaded and no pack module (ddv-*.ko) in %s: "
				  "no names to check against (--pack FILE, or DDV_PACK_DIR)",
				  pack_dir(NULL));
			return -ENOENT;
		}
		files = mods;
		nfiles = nmods;
	}
	for (size_t i = 0; i < nfiles && !err; i++)
		err = catalog_add_file(cat, files[i]);
	for (size_t i = 0; i < nmods; i++)
		free(mods[i]);
	free(mods);
	if (err)
		catalog_free(cat);
	return err;
}
