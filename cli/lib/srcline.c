/*
 * srcline.c: the source lines of a driver's code, from the DWARF of its .ko
 * (or of a separate debug file), read with elfutils' libdwfl.
 *
 * A .ko is relocatable: its code is offsets within sections (.text,
 * .text.unlikely, .init.text...), and its DWARF names addresses through
 * relocations against those sections. libdwfl's offline reporting lays the
 * sections out (updating sh_addr in its copy of the headers) and applies the
 * relocations to the DWARF, so section S at offset O is the DWARF address
 * sh_addr(S) + O in that layout.
 *
 * Where the DWARF comes from (the first that holds it): the directories of
 * $DDV_DEBUG_PATH; the .ko ddv load read, or the debug file libdwfl's own
 * search finds for it (its .gnu_debuglink, its build id under
 * /usr/lib/debug); when that .ko is gone, the build id under
 * /usr/lib/debug/.build-id/; the .ko's path under /usr/lib/debug
 * (linux-image-*-dbg's layout: /usr/lib/debug/lib/modules/KVER/kernel/...).
 * A file whose build id is not the loaded module's is never used: it would
 * name the wrong lines.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwelf.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "module.h"
#include "util.h"

struct dwmod {
	char *module;
	char *build_id;		/* hex, or NULL */
	Dwfl *dwfl;		/* NULL: no DWARF found */
	Dwfl_Module *mod;
	char *file;		/* the file the DWARF came from */
};

static struct dwmod *mods;
static size_t nmods;

/* Lookups made, by module and address: a report asks for the same frames again and again. */
struct cached {
	size_t mod;		/* index in mods, + 1; 0: an empty slot */
	Dwarf_Addr addr;
	bool found;
	struct srcloc loc;
};
static struct cached *cache;
static size_t ncached, cache_size;

static char *debuginfo_path;	/* NULL: libdwfl's default, "-:.debug:/usr/lib/debug" */
static const Dwfl_Callbacks offline_callbacks = {
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
	.debuginfo_path = &debuginfo_path,
};

/* The file's GNU build id in hex (to free), or NULL; .ko.xz files too. */
char *srcline_build_id(const void *image, size_t size)
{
	const unsigned char *id;
	struct strbuf sb = { 0 };
	Elf *elf;
	ssize_t n;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return NULL;
	elf = elf_memory((char *)image, size);
	if (!elf)
		return NULL;
	n = dwelf_elf_gnu_build_id(elf, (const void **)&id);
	for (ssize_t i = 0; i < n; i++)
		sb_printf(&sb, "%02x", id[i]);
	elf_end(elf);
	return sb.s;
}

/* Whether path's build id is want (any file when want is NULL or the file has none). */
static bool build_id_matches(const char *path, const char *want)
{
	static const unsigned char xz_magic[6] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };
	void *image, *plain;
	size_t size, plain_size;
	char *have;
	bool same;

	if (access(path, R_OK))
		return false;
	if (!want)
		return true;
	if (read_whole_file(path, &image, &size))
		return false;
	if (size >= sizeof(xz_magic) && !memcmp(image, xz_magic, sizeof(xz_magic))) {
		if (xz_decompress(image, size, &plain, &plain_size)) {
			free(image);
			return false;
		}
		free(image);
		image = plain;
		size = plain_size;
	}
	have = srcline_build_id(image, size);
	free(image);
	same = !have || !strcmp(have, want);
	free(have);
	return same;
}

/* Reports path offline; keeps it when libdwfl finds DWARF for it (in it, or beside it). */
static bool try_file(struct dwmod *m, const char *path)
{
	Dwarf_Addr bias;

	if (!build_id_matches(path, m->build_id))
		return false;
	m->dwfl = dwfl_begin(&offline_callbacks);
	if (!m->dwfl)
		return false;
	dwfl_report_begin(m->dwfl);
	m->mod = dwfl_report_offline(m->dwfl, m->module, path, -1);
	dwfl_report_end(m->dwfl, NULL, NULL);
	if (m->mod && dwfl_module_getdwarf(m->mod, &bias)) {
		m->file = xstrdup(path);
		return true;
	}
	dwfl_end(m->dwfl);
	m->dwfl = NULL;
	m->mod = NULL;
	return false;
}

/* Tries dir's files for the module: by build id, then by name (when by_name). */
static bool try_dir(struct dwmod *m, const char *dir, const char *base, bool by_name)
{
	char *path;
	bool found = false;

	if (m->build_id && strlen(m->build_id) > 2) {
		path = xasprintf("%s/.build-id/%.2s/%s.debug", dir, m->build_id, m->build_id + 2);
		found = try_file(m, path);
		free(path);
	}
	for (unsigned int i = 0; !found && by_name && i < 4; i++) {
		static const char *const forms[] = { "%s/%s.ko", "%s/%s.ko.debug", "%s/%s.ko.xz",
						     "%s/%s" };
		const char *name = i < 3 ? m->module : base;

		if (!name)
			continue;
		path = xasprintf(forms[i], dir, name);
		found = try_file(m, path);
		free(path);
	}
	return found;
}

static bool try_dirs(struct dwmod *m, const char *dirs, const char *base)
{
	char *copy = xstrdup(dirs), *save = NULL;
	bool found = false;

	for (char *d = strtok_r(copy, ":", &save); d && !found; d = strtok_r(NULL, ":", &save))
		found = try_dir(m, d, base, true);
	free(copy);
	return found;
}

static void find_dwarf(struct dwmod *m, const char *path)
{
	const char *env = getenv("DDV_DEBUG_PATH");
	const char *base = path ? strrchr(path, '/') : NULL;
	char *p;

	base = base ? base + 1 : path;
	if (env && *env && try_dirs(m, env, base))
		return;
	if (path && try_file(m, path))
		return;
	if (try_dir(m, "/usr/lib/debug", NULL, false))
		return;
	if (path && *path == '/') {
		size_t len = strlen(path);

		p = xasprintf("/usr/lib/debug%.*s", (int)(len > 3 && !strcmp(path + len - 3, ".xz") ?
							   len - 3 : len), path);
		if (try_file(m, p)) {
			free(p);
			return;
		}
		free(p);
	}
}

/* The module's DWARF, looked for once: NULL when there is none. */
static struct dwmod *dwmod_of(const char *module, const char *path, const char *build_id)
{
	struct dwmod *m;

	for (size_t i = 0; i < nmods; i++)
		if (!strcmp(mods[i].module, module))
			return mods[i].dwfl ? &mods[i] : NULL;
	mods = xrealloc(mods, (nmods + 1) * sizeof(*mods));
	m = &mods[nmods++];
	memset(m, 0, sizeof(*m));
	m->module = xstrdup(module);
	m->build_id = build_id ? xstrdup(build_id) : NULL;
	find_dwarf(m, path);
	return m->dwfl ? m : NULL;
}

/* The DWARF address of section+offset in libdwfl's layout of the module. */
static bool section_address(struct dwmod *m, const char *section, uint64_t offset,
			    Dwarf_Addr *addr)
{
	Dwarf_Addr bias;
	Elf *elf = dwfl_module_getelf(m->mod, &bias);
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	if (!elf || elf_getshdrstrndx(elf, &shstrndx))
		return false;
	while ((scn = elf_nextscn(elf, scn))) {
		const char *name;
		GElf_Shdr shdr;

		if (!gelf_getshdr(scn, &shdr) || !(shdr.sh_flags & SHF_ALLOC))
			continue;
		name = elf_strptr(elf, shstrndx, shdr.sh_name);
		if (name && !strcmp(name, section) && offset < shdr.sh_size) {
			*addr = shdr.sh_addr + bias + offset;
			return true;
		}
	}
	return false;
}

/* A path as the build wrote it, without its compilation directory when under it. */
static char *short_path(Dwarf_Die *cu, const char *file)
{
	Dwarf_Attribute attr;
	const char *dir = dwarf_formstring(dwarf_attr(cu, DW_AT_comp_dir, &attr));
	size_t len = dir ? strlen(dir) : 0;

	if (len && !strncmp(file, dir, len) && file[len] == '/')
		return xstrdup(file + len + 1);
	return xstrdup(file);
}

static char *die_name(Dwarf_Die *die)
{
	Dwarf_Attribute attr;
	const char *name = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_name, &attr));

	return xstrdup(name ? name : "?");
}

/* The caller of scopes[i] (an inlined subroutine): the next function scope out. */
static Dwarf_Die *caller_scope(Dwarf_Die *scopes, int i, int n)
{
	for (int j = i + 1; j < n; j++) {
		int tag = dwarf_tag(&scopes[j]);

		if (tag == DW_TAG_inlined_subroutine || tag == DW_TAG_subprogram)
			return &scopes[j];
	}
	return NULL;
}

/*
 * The functions around pc: out->function is the innermost (the code's own
 * function), and each inlined one adds its caller with the line of the call,
 * out to the real function. dwarf_getscopes finds the innermost; past an
 * inlined subroutine its list goes on through the abstract definition, so the
 * concrete nesting comes from dwarf_getscopes_die, as eu-addr2line -i does.
 */
static void inline_chain(Dwarf_Die *cu, Dwarf_Addr pc, struct srcloc *out)
{
	Dwarf_Die *scopes = NULL, inner;
	Dwarf_Files *files = NULL;
	int n = dwarf_getscopes(cu, pc, &scopes), i;

	for (i = 0; i < n; i++) {
		int tag = dwarf_tag(&scopes[i]);

		if (tag == DW_TAG_inlined_subroutine || tag == DW_TAG_subprogram)
			break;
	}
	if (i >= n) {
		free(scopes);
		return;
	}
	inner = scopes[i];
	free(scopes);
	scopes = NULL;
	out->function = die_name(&inner);
	n = dwarf_getscopes_die(&inner, &scopes);
	dwarf_getsrcfiles(cu, &files, NULL);
	for (i = 0; i < n; i++) {
		Dwarf_Die *caller = caller_scope(scopes, i, n);
		Dwarf_Word file = 0, line = 0;
		Dwarf_Attribute attr;
		const char *name;
		struct srcframe *f;

		if (dwarf_tag(&scopes[i]) != DW_TAG_inlined_subroutine || !caller)
			continue;
		dwarf_formudata(dwarf_attr(&scopes[i], DW_AT_call_file, &attr), &file);
		dwarf_formudata(dwarf_attr(&scopes[i], DW_AT_call_line, &attr), &line);
		name = files ? dwarf_filesrc(files, file, NULL, NULL) : NULL;
		out->inlined = xrealloc(out->inlined, (out->ninlined + 1) * sizeof(*out->inlined));
		f = &out->inlined[out->ninlined++];
		f->function = die_name(caller);
		f->file = short_path(cu, name ? name : "?");
		f->line = line;
	}
	free(scopes);
}

static void srcloc_copy(struct srcloc *to, const struct srcloc *from)
{
	*to = (struct srcloc){ .function = xstrdup(from->function), .file = xstrdup(from->file),
			       .line = from->line, .ninlined = from->ninlined };
	if (from->ninlined)
		to->inlined = xcalloc(from->ninlined, sizeof(*to->inlined));
	for (unsigned int i = 0; i < from->ninlined; i++)
		to->inlined[i] = (struct srcframe){ .function = xstrdup(from->inlined[i].function),
						    .file = xstrdup(from->inlined[i].file),
						    .line = from->inlined[i].line };
}

static bool lookup(struct dwmod *m, Dwarf_Addr addr, struct srcloc *out)
{
	Dwarf_Addr bias;
	Dwarf_Die *cu;
	Dwfl_Line *line = dwfl_module_getsrc(m->mod, addr);
	const char *file;
	int lineno = 0;

	file = line ? dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL) : NULL;
	cu = dwfl_module_addrdie(m->mod, addr, &bias);
	if (!file || !cu || lineno <= 0)
		return false;
	out->file = short_path(cu, file);
	out->line = lineno;
	inline_chain(cu, addr - bias, out);
	if (!out->function)
		out->function = xstrdup("?");
	return true;
}

static struct cached *cache_slot(size_t mod, Dwarf_Addr addr)
{
	size_t h = (mod * 0x9e3779b97f4a7c15ull) ^ (addr * 0xff51afd7ed558ccdull), i;

	for (i = h & (cache_size - 1); cache[i].mod; i = (i + 1) & (cache_size - 1))
		if (cache[i].mod == mod && cache[i].addr == addr)
			break;
	return &cache[i];
}

/* A lookup from the cache, made and kept the first time. */
static bool cached_lookup(struct dwmod *m, Dwarf_Addr addr, struct srcloc *out)
{
	size_t mod = (size_t)(m - mods) + 1;
	struct cached *c;

	if (2 * (ncached + 1) > cache_size) {
		struct cached *old = cache;
		size_t old_size = cache_size;

		cache_size = cache_size ? 2 * cache_size : 256;
		cache = xcalloc(cache_size, sizeof(*cache));
		for (size_t i = 0; i < old_size; i++)
			if (old[i].mod)
				*cache_slot(old[i].mod, old[i].addr) = old[i];
		free(old);
	}
	c = cache_slot(mod, addr);
	if (!c->mod) {
		c->mod = mod;
		c->addr = addr;
		c->found = lookup(m, addr, &c->loc);
		ncached++;
	}
	if (c->found)
		srcloc_copy(out, &c->loc);
	return c->found;
}

/*
 * The source of the byte at section+offset of module's code: its file and
 * line and the functions it was inlined through. path and build_id are
 * what ddv load read (either may be NULL). False when no DWARF says.
 */
bool srcline_at(const char *module, const char *path, const char *build_id, const char *section,
		uint64_t offset, struct srcloc *out)
{
	struct dwmod *m = dwmod_of(module, path, build_id);
	Dwarf_Addr addr;

	memset(out, 0, sizeof(*out));
	return m && section_address(m, section, offset, &addr) && cached_lookup(m, addr, out);
}

void srcloc_free(struct srcloc *loc)
{
	for (unsigned int i = 0; i < loc->ninlined; i++) {
		free(loc->inlined[i].function);
		free(loc->inlined[i].file);
	}
	free(loc->inlined);
	free(loc->function);
	free(loc->file);
	memset(loc, 0, sizeof(*loc));
}

/* "FILE:LINE", or "FUNC at FILE:LINE inlined into CALLER at FILE:LINE..." when inlined. */
void srcloc_text(const struct srcloc *loc, struct strbuf *sb)
{
	if (!loc->ninlined) {
		sb_printf(sb, "%s:%u", loc->file, loc->line);
		return;
	}
	sb_printf(sb, "%s at %s:%u", loc->function, loc->file, loc->line);
	for (unsigned int i = 0; i < loc->ninlined; i++)
		sb_printf(sb, " inlined into %s at %s:%u", loc->inlined[i].function,
			  loc->inlined[i].file, loc->inlined[i].line);
}

/* The JSON fields of a source place, without braces: "function":..,"file":..,"line":..,"inlined":[..]. */
void srcloc_json(const struct srcloc *loc, struct strbuf *sb)
{
	sb_puts(sb, "\"function\":");
	sb_json_str(sb, loc->function);
	sb_puts(sb, ",\"file\":");
	sb_json_str(sb, loc->file);
	sb_printf(sb, ",\"line\":%u,\"inlined\":[", loc->line);
	for (unsigned int i = 0; i < loc->ninlined; i++) {
		sb_puts(sb, i ? ",{\"function\":" : "{\"function\":");
		sb_json_str(sb, loc->inlined[i].function);
		sb_puts(sb, ",\"file\":");
		sb_json_str(sb, loc->inlined[i].file);
		sb_printf(sb, ",\"line\":%u}", loc->inlined[i].line);
	}
	sb_puts(sb, "]");
}

/* Forgets every module's DWARF (tests, and the fuzz harness's many sessions). */
void srcline_reset(void)
{
	for (size_t i = 0; i < nmods; i++) {
		if (mods[i].dwfl)
			dwfl_end(mods[i].dwfl);
		free(mods[i].module);
		free(mods[i].build_id);
		free(mods[i].file);
	}
	free(mods);
	mods = NULL;
	nmods = 0;
	for (size_t i = 0; i < cache_size; i++)
		if (cache[i].mod)
			srcloc_free(&cache[i].loc);
	free(cache);
	cache = NULL;
	ncached = cache_size = 0;
}
