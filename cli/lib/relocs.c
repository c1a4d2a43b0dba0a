/*
 * relocs.c: finds a driver's call sites of probed exported symbols from its
 * .ko's relocations (libelf), never by scanning bytes for opcodes.
 *
 * A site is a rel32 relocation (R_X86_64_PLT32 or PC32) in an executable
 * section against an undefined symbol that a loaded pack probes. The opcode in
 * front of the rel32 is checked, not searched for: e8 (call) or e9 (jmp) in the
 * byte before it, or 0f 8x (jcc) in the two bytes before it. Any other reference
 * (the symbol's address taken, as in "lea kfree(%rip)") cannot be redirected and
 * is counted. A RIP-relative operand's ModRM byte (mod 00, r/m 101) is never e8,
 * e9 or 8x, so the check cannot mistake one for a branch.
 */
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>

#include "module.h"
#include "util.h"

struct func_sym {
	const char *name;
	size_t shndx;
	uint64_t value;
	uint64_t size;
	bool local;
};

struct relocs_ctx {
	Elf *elf;
	const char *what;
	size_t shstrndx;
	Elf_Scn *symtab;
	size_t strtab;
	struct func_sym *funcs;
	size_t nfuncs;
};

static int compare_funcs(const void *a, const void *b)
{
	const struct func_sym *x = a, *y = b;

	if (x->shndx != y->shndx)
		return x->shndx < y->shndx ? -1 : 1;
	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	/*
	 * Of two names for one function (module_init() makes init_module an alias
	 * of the driver's own init), the lookup takes the last: the driver's local name.
	 */
	if (x->local != y->local)
		return x->local ? 1 : -1;
	return strcmp(x->name, y->name);
}

static int elf_fail(const char *what, const char *why)
{
	ddv_error(EINVAL, "%s: %s (%s)", what, why, elf_errmsg(-1));
	return -EINVAL;
}

/* Collects the module's functions, sorted by section and address. */
static int collect_funcs(struct relocs_ctx *ctx)
{
	Elf_Data *data = elf_getdata(ctx->symtab, NULL);
	GElf_Shdr shdr;
	size_t n, i;

	if (!data || !gelf_getshdr(ctx->symtab, &shdr) || !shdr.sh_entsize)
		return elf_fail(ctx->what, "unreadable symbol table");
	n = shdr.sh_size / shdr.sh_entsize;
	ctx->strtab = shdr.sh_link;
	ctx->funcs = xcalloc(n, sizeof(*ctx->funcs));
	for (i = 0; i < n; i++) {
		GElf_Sym sym;
		const char *name;

		if (!gelf_getsym(data, i, &sym))
			return elf_fail(ctx->what, "bad symbol");
		if (GELF_ST_TYPE(sym.st_info) != STT_FUNC || sym.st_shndx == SHN_UNDEF ||
		    sym.st_shndx >= SHN_LORESERVE)
			continue;
		name = elf_strptr(ctx->elf, ctx->strtab, sym.st_name);
		if (!name || !*name)
			continue;
		ctx->funcs[ctx->nfuncs++] = (struct func_sym){
			.name = name, .shndx = sym.st_shndx,
			.value = sym.st_value, .size = sym.st_size,
			.local = GELF_ST_BIND(sym.st_info) == STB_LOCAL,
		};
	}
	qsort(ctx->funcs, ctx->nfuncs, sizeof(*ctx->funcs), compare_funcs);
	return 0;
}

/* The function of section shndx that covers off, or NULL. */
static const struct func_sym *covering_func(struct relocs_ctx *ctx, size_t shndx, uint64_t off)
{
	const struct func_sym *best = NULL;
	size_t lo = 0, hi = ctx->nfuncs;

	/* Last function with (shndx, value) <= (shndx, off). */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct func_sym *f = &ctx->funcs[mid];

		if (f->shndx < shndx || (f->shndx == shndx && f->value <= off)) {
			best = f;
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	if (!best || best->shndx != shndx || off >= best->value + best->size)
		return NULL;
	return best;
}

static const char *section_name(struct relocs_ctx *ctx, Elf_Scn *scn)
{
	GElf_Shdr shdr;
	const char *name;

	if (!gelf_getshdr(scn, &shdr))
		return NULL;
	name = elf_strptr(ctx->elf, ctx->shstrndx, shdr.sh_name);
	return name ? name : "?";
}

static void add_site(struct site_table *out, const struct site *site)
{
	if (out->nsites == out->cap) {
		out->cap = out->cap ? out->cap * 2 : 64;
		out->sites = xrealloc(out->sites, out->cap * sizeof(*out->sites));
	}
	out->sites[out->nsites++] = *site;
}

/* Reads the sites of one SHT_RELA section that applies to executable text. */
static int scan_rela(struct relocs_ctx *ctx, Elf_Scn *rela_scn, GElf_Shdr *rela_shdr,
		     struct symset *probed, struct site_table *out)
{
	Elf_Scn *text_scn = elf_getscn(ctx->elf, rela_shdr->sh_info);
	Elf_Data *rela_data, *text_data, *sym_data;
	const char *text_name;
	const unsigned char *text;
	GElf_Shdr text_shdr;
	size_t n, i;

	if (!text_scn || !gelf_getshdr(text_scn, &text_shdr))
		return elf_fail(ctx->what, "relocation section for a missing section");
	if (!(text_shdr.sh_flags & SHF_EXECINSTR) || text_shdr.sh_type != SHT_PROGBITS)
		return 0;
	text_name = section_name(ctx, text_scn);
	/* Alternative replacements are copied over .text by the kernel, never run where they lie. */
	if (!strcmp(text_name, ".altinstr_replacement"))
		return 0;
	rela_data = elf_getdata(rela_scn, NULL);
	text_data = elf_getdata(text_scn, NULL);
	sym_data = elf_getdata(ctx->symtab, NULL);
	if (!rela_data || !text_data || !sym_data || !rela_shdr->sh_entsize)
		return elf_fail(ctx->what, "unreadable relocations");
	text = text_data->d_buf;
	n = rela_shdr->sh_size / rela_shdr->sh_entsize;
	for (i = 0; i < n; i++) {
		const struct func_sym *func;
		struct site site = { 0 };
		unsigned int type;
		const char *name;
		GElf_Rela rela;
		GElf_Sym sym;
		uint64_t off;

		if (!gelf_getrela(rela_data, i, &rela))
			return elf_fail(ctx->what, "bad relocation");
		type = GELF_R_TYPE(rela.r_info);
		if (type != R_X86_64_PLT32 && type != R_X86_64_PC32)
			continue;
		if (!gelf_getsym(sym_data, GELF_R_SYM(rela.r_info), &sym))
			return elf_fail(ctx->what, "relocation against a bad symbol");
		if (sym.st_shndx != SHN_UNDEF)
			continue;
		name = elf_strptr(ctx->elf, ctx->strtab, sym.st_name);
		if (!name)
			continue;
		off = rela.r_offset;
		if (!symset_has(probed, name)) {
			if (off >= 1 && off + 4 <= text_data->d_size && rela.r_addend == -4 &&
			    (text[off - 1] == 0xe8 || text[off - 1] == 0xe9) &&
			    !symset_has(&out->uncovered, name))
				symset_add(&out->uncovered, name);
			continue;
		}
		if (off + 4 > text_data->d_size || off < 1) {
			ddv_warn("%s: relocation of %s outside %s", ctx->what, name, text_name);
			continue;
		}
		/* A branch's rel32 is its last field: the addend is -4. */
		if (rela.r_addend == -4 && (text[off - 1] == 0xe8 || text[off - 1] == 0xe9)) {
			site.opcode = text[off - 1];
			off -= 1;
		} else if (rela.r_addend == -4 && off >= 2 && text[off - 2] == 0x0f &&
			   (text[off - 1] & 0xf0) == 0x80) {
			site.opcode = 0x0f;
			site.opcode2 = text[off - 1];
			off -= 2;
		} else {
			out->naddr_refs++;
			continue;
		}
		func = covering_func(ctx, rela_shdr->sh_info, off);
		if (!func) {
			ddv_warn("%s: call of %s at %s+%#llx lies in no function: left out",
				 ctx->what, name, text_name, (unsigned long long)off);
			out->nambiguous++;
			continue;
		}
		site.func = xstrdup(func->name);
		site.func_offset = off - func->value;
		site.symbol = xstrdup(name);
		site.section = xstrdup(text_name);
		site.section_offset = off;
		site.init = !strncmp(text_name, ".init", 5);
		add_site(out, &site);
	}
	return 0;
}

/* A .modinfo field (name=, depends=...), else NULL. */
static char *modinfo_field(struct relocs_ctx *ctx, const char *key)
{
	size_t klen = strlen(key);
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(ctx->elf, scn))) {
		const char *p, *end;
		Elf_Data *data;

		if (strcmp(section_name(ctx, scn), ".modinfo"))
			continue;
		data = elf_getdata(scn, NULL);
		if (!data || !data->d_buf)
			return NULL;
		p = data->d_buf;
		end = p + data->d_size;
		while (p < end) {
			size_t len = strnlen(p, end - p);

			if (len > klen && !strncmp(p, key, klen) && p[klen] == '=')
				return xstrndup(p + klen + 1, len - klen - 1);
			p += len + 1;
		}
	}
	return NULL;
}

static int compare_sites(const void *a, const void *b)
{
	const struct site *x = a, *y = b;
	int c = strcmp(x->section, y->section);

	if (c)
		return c;
	return x->section_offset < y->section_offset ? -1 : x->section_offset > y->section_offset;
}

static int compare_names_offsets(const void *a, const void *b)
{
	const struct site *x = *(const struct site *const *)a, *y = *(const struct site *const *)b;
	int c = strcmp(x->func, y->func);

	if (c)
		return c;
	return x->func_offset < y->func_offset ? -1 : x->func_offset > y->func_offset;
}

/*
 * The kernel finds a site's function by name, trying every function of that
 * name (static functions of different files may share one) and keeping the
 * copy where the instruction calls the API. Two sites with the same name and
 * offset cannot be told apart that way: both are left out, and counted.
 */
static void drop_indistinguishable(const char *what, struct site_table *t)
{
	struct site **by_name = xcalloc(t->nsites, sizeof(*by_name));
	bool *twin = xcalloc(t->nsites, sizeof(*twin));
	size_t kept = 0;

	for (size_t i = 0; i < t->nsites; i++)
		by_name[i] = &t->sites[i];
	qsort(by_name, t->nsites, sizeof(*by_name), compare_names_offsets);
	for (size_t i = 0; i < t->nsites; i++) {
		bool same_prev = i > 0 && !compare_names_offsets(&by_name[i], &by_name[i - 1]);
		bool same_next = i + 1 < t->nsites &&
				 !compare_names_offsets(&by_name[i], &by_name[i + 1]);

		if (same_prev || same_next)
			twin[by_name[i] - t->sites] = true;
	}
	free(by_name);
	for (size_t i = 0; i < t->nsites; i++) {
		struct site *s = &t->sites[i];

		if (twin[i]) {
			ddv_warn("%s: call of %s in %s: another function of that name has a call at "
				 "the same offset: left out", what, s->symbol, s->func);
			t->nambiguous++;
			free(s->func);
			free(s->symbol);
			free(s->section);
			continue;
		}
		t->sites[kept++] = *s;
	}
	free(twin);
	t->nsites = kept;
}

int relocs_read_image(const void *image, size_t size, const char *what,
		      struct symset *probed, struct site_table *out)
{
	struct relocs_ctx ctx = { .what = what };
	Elf_Scn *scn = NULL;
	GElf_Ehdr ehdr;
	int err = 0;

	memset(out, 0, sizeof(*out));
	if (elf_version(EV_CURRENT) == EV_NONE)
		return elf_fail(what, "libelf is too old");
	ctx.elf = elf_memory((char *)image, size);
	if (!ctx.elf)
		return elf_fail(what, "not an ELF file");
	if (elf_kind(ctx.elf) != ELF_K_ELF || !gelf_getehdr(ctx.elf, &ehdr) ||
	    ehdr.e_ident[EI_CLASS] != ELFCLASS64 || ehdr.e_machine != EM_X86_64 ||
	    ehdr.e_type != ET_REL) {
		err = -ENOEXEC;
		ddv_error(ENOEXEC, "%s: not an x86-64 kernel module", what);
		goto out;
	}
	if (elf_getshdrstrndx(ctx.elf, &ctx.shstrndx)) {
		err = elf_fail(what, "no section names");
		goto out;
	}
	while ((scn = elf_nextscn(ctx.elf, scn))) {
		GElf_Shdr shdr;

		if (gelf_getshdr(scn, &shdr) && shdr.sh_type == SHT_SYMTAB)
			ctx.symtab = scn;
	}
	if (!ctx.symtab) {
		err = -ENOEXEC;
		ddv_error(ENOEXEC, "%s: no symbol table (stripped module?)", what);
		goto out;
	}
	err = collect_funcs(&ctx);
	if (err)
		goto out;

	while ((scn = elf_nextscn(ctx.elf, scn))) {
		GElf_Shdr shdr;

		if (!gelf_getshdr(scn, &shdr)) {
			err = elf_fail(what, "bad section header");
			goto out;
		}
		if (shdr.sh_type == SHT_RELA) {
			err = scan_rela(&ctx, scn, &shdr, probed, out);
			if (err)
				goto out;
		} else if (shdr.sh_type == SHT_REL && shdr.sh_flags & SHF_EXECINSTR) {
			err = -ENOEXEC;
			ddv_error(ENOEXEC, "%s: REL relocations are not used on x86-64", what);
			goto out;
		}
	}
	out->module = modinfo_field(&ctx, "name");
	out->depends = modinfo_field(&ctx, "depends");
	qsort(out->sites, out->nsites, sizeof(*out->sites), compare_sites);
	drop_indistinguishable(ctx.what, out);
out:
	free(ctx.funcs);
	elf_end(ctx.elf);
	if (err)
		site_table_free(out);
	return err;
}

/* The module name the kernel derives from a path: basename, up to the first '.', '-' as '_'. */
static char *name_from_path(const char *path)
{
	const char *base = strrchr(path, '/');
	char *name, *p;

	name = xstrdup(base ? base + 1 : path);
	p = strchr(name, '.');
	if (p)
		*p = '\0';
	for (p = name; *p; p++)
		if (*p == '-')
			*p = '_';
	return name;
}

int relocs_read_file(const char *path, struct symset *probed, struct site_table *out)
{
	bool compressed;
	size_t size;
	void *image;
	int err;

	err = modfile_read(path, &image, &size, &compressed);
	if (err)
		return err;
	err = relocs_read_image(image, size, path, probed, out);
	free(image);
	if (!err && !out->module)
		out->module = name_from_path(path);
	return err;
}

const char *site_kind(const struct site *site)
{
	switch (site->opcode) {
	case 0xe8:
		return "call";
	case 0xe9:
		return "jmp";
	default:
		return "jcc";
	}
}

/*
 * A name's words ('_'-separated) against the verbs of calls that can fail and
 * of calls that give back: a guess from the name alone, which is all a .ko
 * tells of an imported function. It says what a campaign did not cover.
 */
bool symbol_looks_fallible(const char *name)
{
	static const char *const gives_back[] = {
		"put", "free", "release", "unregister", "unmap", "destroy", "remove", "del",
		"disable", "stop", "exit", "cleanup", "deinit", "unlock", "kill", "cancel",
		"flush", "complete", "printk", "dbg", "err", "warn", "info", "notice", "trace",
		"fentry", "thunk", "chk", "param", "fortify", "panic", "SCT", "valid", "is", "has",
		NULL
	};
	static const char *const can_fail[] = {
		"alloc", "kmalloc", "kzalloc", "kcalloc", "vmalloc", "vzalloc", "kvmalloc",
		"create", "register", "request", "get", "map", "iomap", "ioremap", "init", "add",
		"enable", "start", "submit", "setup", "open", "attach", "probe", "new", "dup",
		"kstrdup", "kmemdup", "reserve", "acquire", "claim", "bind", "connect", "load",
		"lookup", "find", "trylock", "interruptible", "killable", "populate", "install", NULL
	};
	bool fallible = false;

	for (const char *w = name; *w;) {
		size_t len = strcspn(w, "_");

		for (int i = 0; gives_back[i]; i++)
			if (strlen(gives_back[i]) == len && !strncmp(w, gives_back[i], len))
				return false;
		for (int i = 0; can_fail[i] && !fallible; i++)
			fallible = strlen(can_fail[i]) == len && !strncmp(w, can_fail[i], len);
		w += len;
		w += strspn(w, "_");
	}
	return fallible;
}

void site_table_free(struct site_table *table)
{
	for (size_t i = 0; i < table->nsites; i++) {
		free(table->sites[i].func);
		free(table->sites[i].symbol);
		free(table->sites[i].section);
	}
	free(table->sites);
	free(table->module);
	free(table->depends);
	for (size_t i = 0; i < table->nmembers; i++)
		free(table->members[i]);
	free(table->members);
	symset_free(&table->uncovered);
	memset(table, 0, sizeof(*table));
}
