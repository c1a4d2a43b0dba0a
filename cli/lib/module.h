/*
 * module.h: module files: reading them, their call sites of probed symbols,
 * and the names of kernel and module addresses.
 */
#ifndef DDV_CLI_MODULE_H
#define DDV_CLI_MODULE_H

#include "util.h"

/* modfile.c: a module file in memory, decompressed when it is a .ko.xz. */
int modfile_read(const char *path, void **image, size_t *size, bool *compressed);
int xz_decompress(const void *in, size_t in_size, void **out, size_t *out_size);

/* relocs.c: the call sites of probed symbols in a module, from its relocations. */
struct site {
	char *func;		/* the module's function that contains the site */
	uint32_t func_offset;	/* offset of the site's first byte in func */
	char *symbol;		/* the called exported symbol */
	char *section;		/* where the site lies: ".text", ".init.text"... */
	uint64_t section_offset;
	uint8_t opcode;		/* 0xe8 call, 0xe9 jmp, 0x0f jcc */
	uint8_t opcode2;	/* 0x80..0x8f after 0x0f for a jcc, else 0 */
	bool init;		/* in init text: freed after the module's init */
	uint8_t member;		/* its module in a family: 0 the driver, k members[k - 1] */
	bool no_fault;		/* never failed (ddv load --exclude): DDV_SITE_NO_FAULT */
};

struct site_table {
	char *module;		/* the module's name (.modinfo name=, else the file name) */
	struct site *sites;
	size_t nsites;
	size_t cap;
	size_t naddr_refs;	/* probed symbols whose address is taken, not called: not patchable */
	size_t nambiguous;	/* sites no function name and offset tell apart: left out */
	char *depends;		/* .modinfo depends=: modules to load first, comma-separated */
	char **members;		/* a family's other modules (ddv load --with), or none */
	size_t nmembers;
	struct symset uncovered;	/* imported functions it calls that no pack probes */
};

/* The module whose .ko holds site s of table t: the driver's, or a family member's. */
static inline const char *site_module(const struct site_table *t, const struct site *s)
{
	return s->member && s->member <= t->nmembers ? t->members[s->member - 1] : t->module;
}

int relocs_read_image(const void *image, size_t size, const char *what,
		      struct symset *probed, struct site_table *out);
int relocs_read_file(const char *path, struct symset *probed, struct site_table *out);
const char *site_kind(const struct site *site);
/* Whether an imported function's name looks like one that can fail (alloc, register...). */
bool symbol_looks_fallible(const char *name);
void site_table_free(struct site_table *table);

/* ksyms.c: kernel addresses by name (/proc/kallsyms, and modsyms.c for a driver under test). */
bool ksym_name(uint64_t addr, struct strbuf *sb);
bool ksym_name_kallsyms(uint64_t addr, struct strbuf *sb);
bool ksym_range(const char *name, const char *module, uint64_t *lo, uint64_t *hi);
void ksyms_reset(void);

struct decoder;
struct event;

/* modsyms.c: a driver's frames named from its own .ko's symbols, also after it is gone. */
int modsyms_save(const void *image, size_t size, const char *module, const char *file);
const void *modsyms_learn(const struct decoder *dec, const struct event *ev);
void modsyms_use(const void *load);
bool modsyms_name(uint64_t addr, struct strbuf *sb);
struct srcloc;
bool modsyms_source(uint64_t addr, struct srcloc *out);
bool modsyms_section_source(const char *module, const char *section, uint64_t offset,
			    struct srcloc *out);
bool modsyms_frame_source(const char *frame, bool exact, struct srcloc *out);
void modsyms_reset(void);

/* srcline.c: source lines of a module's code, from its DWARF (libdwfl). */
struct srcframe {
	char *function;
	char *file;
	unsigned int line;
};

struct srcloc {
	char *function;		/* the code's own function (an inlined one's name when inlined) */
	char *file;
	unsigned int line;
	struct srcframe *inlined;	/* the callers it was inlined into, innermost first, */
	unsigned int ninlined;		/* each with its line of the call */
};

char *srcline_build_id(const void *image, size_t size);
bool srcline_at(const char *module, const char *path, const char *build_id, const char *section,
		uint64_t offset, struct srcloc *out);
void srcloc_free(struct srcloc *loc);
void srcloc_text(const struct srcloc *loc, struct strbuf *sb);
void srcloc_json(const struct srcloc *loc, struct strbuf *sb);
void srcline_reset(void);

#endif /* DDV_CLI_MODULE_H */
