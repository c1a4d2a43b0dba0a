/*
 * modsyms.c: names the stack frames of a driver under test from its own .ko's
 * symbols, so that they stay named after the driver is gone.
 *
 * /proc/kallsyms knows a module's functions only while it is loaded, and its
 * init text only during its init: a report made after an unload, or after a
 * failed init, would show numbers. So ddv load and ddv attach keep the
 * module's function symbols (from its ELF file: every text section, init
 * text included) in the state directory, and the decoder learns where each
 * section lay in that load from the records themselves: a record of a call
 * site (a "call", whose return address is the site + 5) with a stack has the
 * return address as its first frame, which places the site's section. The
 * places are kept per site table (one per arming: each load lies elsewhere),
 * and an event's frames are named with the places of its own load. The
 * decoder learns from a whole chunk of records before it hands out their
 * events: a task that moved to another CPU has its records drained apart.
 */
#include <errno.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>

#include "module.h"
#include "util.h"
#include "runtime.h"
#include "decode.h"

struct modsym {
	uint64_t value;
	char *name;
	bool local;
};

struct modsection {
	char *name;
	uint64_t size;
	struct modsym *syms;	/* by value */
	size_t nsyms;
};

struct modfile {
	char *module;
	char *path;		/* the .ko ddv load read, or NULL */
	char *build_id;		/* its GNU build id, or NULL */
	struct modsection *sections;	/* NULL with none: no snapshot kept */
	size_t nsections;
};

/* Where a section of a module lay in one load (one site table, by its sites array). */
struct placement {
	const struct site *load;
	const struct modfile *file;
	const struct modsection *section;
	uint64_t base;
	bool conflicting;	/* two records disagreed: not used */
};

/* One allocation each: placements point at them, and the list grows under them. */
static struct modfile **files;
static size_t nfiles;
static struct placement *placements;
static size_t nplacements;
/* The event being handed out: its load's placements name its frames. */
static const struct site *current_load;

static char *snapshot_name(const char *module)
{
	char *name = xasprintf("symbols.%s", module), *path = state_path(name);

	free(name);
	return path;
}

/*
 * By value; of two names for one function (module_init() makes init_module
 * an alias of the driver's own init) the lookup takes the last: the local
 * one, the name relocs.c gives the driver's call sites too.
 */
static int compare_modsyms(const void *a, const void *b)
{
	const struct modsym *x = a, *y = b;

	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	if (x->local != y->local)
		return x->local ? 1 : -1;
	return strcmp(x->name, y->name);
}

/*
 * Keeps the function symbols of a module's ELF image in the state directory:
 *   ddv symbols 1 / module NAME / section NAME SIZE / func SECTION VALUE NAME LOCAL
 * and where the image came from, for its DWARF (srcline.c): path FILE, build-id HEX.
 * Only executable sections: stacks are return addresses.
 */
int modsyms_save(const void *image, size_t size, const char *module, const char *file)
{
	char *build_id = srcline_build_id(image, size), *real = file ? realpath(file, NULL) : NULL;
	struct strbuf sb = { 0 };
	Elf_Scn *scn = NULL, *symtab = NULL;
	size_t shstrndx, nsections;
	char *path;
	bool *text;
	Elf *elf;
	int err = 0;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return -ENOEXEC;
	elf = elf_memory((char *)image, size);
	if (!elf)
		return -ENOEXEC;
	if (elf_getshdrstrndx(elf, &shstrndx) || elf_getshdrnum(elf, &nsections)) {
		elf_end(elf);
		return -ENOEXEC;
	}
	text = xmalloc((nsections ? nsections : 1) * sizeof(*text));
	memset(text, 0, (nsections ? nsections : 1) * sizeof(*text));
	sb_printf(&sb, "ddv symbols 1\nmodule %s\n", module);
	if (real && !strchr(real, '\n'))
		sb_printf(&sb, "path %s\n", real);
	if (build_id)
		sb_printf(&sb, "build-id %s\n", build_id);
	free(real);
	free(build_id);
	while ((scn = elf_nextscn(elf, scn))) {
		const char *name;
		GElf_Shdr shdr;

		if (!gelf_getshdr(scn, &shdr))
			continue;
		if (shdr.sh_type == SHT_SYMTAB)
			symtab = scn;
		if (shdr.sh_type != SHT_PROGBITS || !(shdr.sh_flags & SHF_EXECINSTR) ||
		    !(shdr.sh_flags & SHF_ALLOC))
			continue;
		name = elf_strptr(elf, shstrndx, shdr.sh_name);
		if (!name || strpbrk(name, " \n"))
			continue;
		text[elf_ndxscn(scn)] = true;
		sb_printf(&sb, "section %s %" PRIu64 "\n", name, (uint64_t)shdr.sh_size);
	}
	if (symtab) {
		Elf_Data *data = elf_getdata(symtab, NULL);
		GElf_Shdr shdr;
		GElf_Sym sym;

		gelf_getshdr(symtab, &shdr);
		for (size_t i = 0; data && shdr.sh_entsize &&
		     i < shdr.sh_size / shdr.sh_entsize; i++) {
			const char *name, *section;
			GElf_Shdr sec;

			if (!gelf_getsym(data, (int)i, &sym) || GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
			    sym.st_shndx == SHN_UNDEF || sym.st_shndx >= nsections ||
			    !text[sym.st_shndx])
				continue;
			name = elf_strptr(elf, shdr.sh_link, sym.st_name);
			if (!gelf_getshdr(elf_getscn(elf, sym.st_shndx), &sec))
				continue;
			section = elf_strptr(elf, shstrndx, sec.sh_name);
			if (!name || !*name || !section || strpbrk(name, " \n"))
				continue;
			sb_printf(&sb, "func %s %" PRIu64 " %s %d\n", section, (uint64_t)sym.st_value,
				  name, GELF_ST_BIND(sym.st_info) == STB_LOCAL);
		}
	}
	free(text);
	elf_end(elf);
	path = snapshot_name(module);
	err = write_whole_file(path, sb.s, sb.len);
	if (err)
		ddv_warn("%s: %s: stacks in reports made after %s is gone stay numeric", path,
			 strerror(-err), module);
	free(path);
	sb_free(&sb);
	return err;
}

static struct modsection *find_section(struct modfile *f, const char *name)
{
	for (size_t i = 0; i < f->nsections; i++)
		if (!strcmp(f->sections[i].name, name))
			return &f->sections[i];
	return NULL;
}

/* The module's snapshot, read once; one with no section when there is none. */
static const struct modfile *modfile_of(const char *module)
{
	char *path, *text = NULL, *line, *save = NULL;
	struct modfile *f;
	size_t size;

	for (size_t i = 0; i < nfiles; i++)
		if (!strcmp(files[i]->module, module))
			return files[i];
	files = xrealloc(files, (nfiles + 1) * sizeof(*files));
	f = files[nfiles++] = xcalloc(1, sizeof(*f));
	f->module = xstrdup(module);
	path = snapshot_name(module);
	if (read_whole_file(path, (void **)&text, &size)) {
		free(path);
		return f;
	}
	free(path);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char section[256], name[256];
		unsigned long long a;
		struct modsection *s;
		int local = 0;

		if (!strncmp(line, "path ", 5) && !f->path) {
			f->path = xstrdup(line + 5);
		} else if (sscanf(line, "build-id %255s", name) == 1 && !f->build_id) {
			f->build_id = xstrdup(name);
		} else if (sscanf(line, "section %255s %llu", section, &a) == 2 &&
			   !find_section(f, section)) {
			f->sections = xrealloc(f->sections, (f->nsections + 1) * sizeof(*f->sections));
			f->sections[f->nsections++] = (struct modsection){
				.name = xstrdup(section), .size = a,
			};
		} else if (sscanf(line, "func %255s %llu %255s %d", section, &a, name, &local) >= 3 &&
			   (s = find_section(f, section))) {
			s->syms = xrealloc(s->syms, (s->nsyms + 1) * sizeof(*s->syms));
			s->syms[s->nsyms++] = (struct modsym){
				.value = a, .name = xstrdup(name), .local = local,
			};
		}
	}
	free(text);
	/* qsort's array must not be NULL, even empty: a section with no function has none. */
	for (size_t i = 0; i < f->nsections; i++)
		if (f->sections[i].nsyms)
			qsort(f->sections[i].syms, f->sections[i].nsyms, sizeof(struct modsym),
			      compare_modsyms);
	return f;
}

/* An empty table has no sites array: NULL + 0 is no pointer to compare with. */
static bool in_table(const struct site_table *t, const struct site *site)
{
	return t->nsites && site >= t->sites && site < t->sites + t->nsites;
}

/*
 * The site table ev's site belongs to (its load), else its driver's current
 * one. A site names its table whether or not that table is still open: an
 * attached driver's table closes at its ddv.driver-going record, and an
 * event decoded after that record (its records still pending on another
 * CPU's ring, or drained later) is still of that load.
 */
static const struct site_table *table_of(const struct decoder *dec, const struct event *ev)
{
	const struct site_table *t;

	if (ev->dut < 0 || ev->dut >= DECODE_MAX_DUTS)
		return NULL;
	t = &dec->sites[ev->dut];
	if (ev->site && in_table(t, ev->site))
		return t;
	if (!ev->site)
		return dec->table_open[ev->dut] ? t : NULL;
	for (unsigned int i = 0; i < dec->nretired; i++) {
		t = &dec->retired[i];
		if (in_table(t, ev->site))
			return t;
	}
	return NULL;
}

/*
 * A call site's record with a stack places the site's section: frame 0 is
 * the return address, 5 bytes past the site. The section is of the module
 * whose .ko holds the site: in a family, a member's site places the
 * member's section (the driver's of the same name lies elsewhere). Not when /proc/kallsyms names
 * that address in the kernel or in ddv's own modules (the runtime's stack may
 * not start at the driver's frame), nor past the section's end. Another
 * module there may have come since the driver went (the next load of a
 * campaign, another driver): its names are not the record's.
 */
static bool ddv_own_module(const char *name, size_t len)
{
	return len >= 3 && !strncmp(name, "ddv", 3) && (len == 3 || name[3] == '_');
}

static void learn_placement(const struct site_table *table, const struct event *ev)
{
	const struct site *s = ev->site;
	const struct modfile *f;
	struct modsection *sec;
	struct strbuf other = { 0 };
	uint64_t base;
	bool foreign;

	if (!s || s->opcode != 0xe8 || !ev->nstack || !table->module)
		return;
	f = modfile_of(site_module(table, s));
	sec = find_section((struct modfile *)f, s->section);
	if (!sec || ev->stack[0] < s->section_offset + 5)
		return;
	base = ev->stack[0] - (s->section_offset + 5);
	if (s->section_offset + 5 > sec->size)
		return;
	if (ksym_name_kallsyms(ev->stack[0], &other)) {
		const char *mod = strchr(other.s, '[');

		foreign = !mod || ddv_own_module(mod + 1, strcspn(mod + 1, "]"));
		sb_free(&other);
		if (foreign)
			return;
	}
	for (size_t i = 0; i < nplacements; i++) {
		struct placement *p = &placements[i];

		if (p->load == table->sites && p->section == sec) {
			if (p->base != base)
				p->conflicting = true;
			return;
		}
	}
	placements = xrealloc(placements, (nplacements + 1) * sizeof(*placements));
	placements[nplacements++] = (struct placement){
		.load = table->sites, .file = f, .section = sec, .base = base,
	};
}

/*
 * Learns what ev says of where its driver lies, as the decoder takes it;
 * returns its load (the key modsyms_use wants when ev is handed out), or NULL.
 */
const void *modsyms_learn(const struct decoder *dec, const struct event *ev)
{
	const struct site_table *table = table_of(dec, ev);

	if (!table || !table->sites)
		return NULL;
	learn_placement(table, ev);
	return table->sites;
}

/* The load whose placements name frames from now on (NULL: none). */
void modsyms_use(const void *load)
{
	current_load = load;
}

/*
 * Forgets every snapshot and placement: the next decoder (of another state
 * directory, or the same one rewritten) reads them afresh. The fuzz harness
 * decodes many sessions in one process (tests/cli/fuzz/).
 */
void modsyms_reset(void)
{
	for (size_t i = 0; i < nfiles; i++) {
		for (size_t j = 0; j < files[i]->nsections; j++) {
			struct modsection *sec = &files[i]->sections[j];

			for (size_t k = 0; k < sec->nsyms; k++)
				free(sec->syms[k].name);
			free(sec->syms);
			free(sec->name);
		}
		free(files[i]->sections);
		free(files[i]->module);
		free(files[i]->path);
		free(files[i]->build_id);
		free(files[i]);
	}
	free(files);
	free(placements);
	files = NULL;
	placements = NULL;
	srcline_reset();
	nfiles = nplacements = 0;
	current_load = NULL;
}

/* The placement of the current event's load that holds addr, its offset in *off; or NULL. */
static const struct placement *placed(uint64_t addr, uint64_t *off)
{
	for (size_t i = 0; current_load && i < nplacements; i++) {
		const struct placement *p = &placements[i];

		*off = addr - p->base;
		if (p->load != current_load || p->conflicting || addr < p->base ||
		    *off >= p->section->size)
			continue;
		return p;
	}
	return NULL;
}

/* "func+0xoff [module]" for an address in a placed section of the current event's load. */
bool modsyms_name(uint64_t addr, struct strbuf *sb)
{
	uint64_t off;
	const struct placement *p = placed(addr, &off);
	const struct modsection *sec;
	size_t lo = 0, hi;

	if (!p)
		return false;
	sec = p->section;
	hi = sec->nsyms;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (sec->syms[mid].value <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return false;
	sb_printf(sb, "%s+%#" PRIx64 " [%s]", sec->syms[lo - 1].name,
		  off - sec->syms[lo - 1].value, p->file->module);
	return true;
}

/*
 * The source line of a return address in a placed section of the current
 * event's load: the call's, the byte before it (a call that ends its
 * function returns past the function's end).
 */
bool modsyms_source(uint64_t addr, struct srcloc *out)
{
	uint64_t off;
	const struct placement *p = placed(addr - 1, &off);

	return p && srcline_at(p->file->module, p->file->path, p->file->build_id,
			       p->section->name, off, out);
}

/* The source line of a module's section+offset (a call site's first byte). */
bool modsyms_section_source(const char *module, const char *section, uint64_t offset,
			    struct srcloc *out)
{
	const struct modfile *f = modfile_of(module);

	return srcline_at(module, f->path, f->build_id, section, offset, out);
}

/*
 * The source line of a frame as the kernel's log names it, "func+0xoff
 * [module]", from the module's kept symbols: a return address's (the byte
 * before it) unless exact (a RIP).
 */
bool modsyms_frame_source(const char *frame, bool exact, struct srcloc *out)
{
	char func[256], module[256];
	unsigned long long off;
	const struct modfile *f;

	if (sscanf(frame, "%255[^+]+%llx [%255[^]]]", func, &off, module) != 3 || (!off && !exact))
		return false;
	f = modfile_of(module);
	for (size_t i = 0; i < f->nsections; i++) {
		const struct modsection *sec = &f->sections[i];

		for (size_t k = 0; k < sec->nsyms; k++)
			if (!strcmp(sec->syms[k].name, func))
				return srcline_at(module, f->path, f->build_id, sec->name,
						  sec->syms[k].value + off - !exact, out);
	}
	return false;
}
