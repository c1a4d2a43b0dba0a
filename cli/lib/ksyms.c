/*
 * ksyms.c: names kernel addresses (the stacks in records) from /proc/kallsyms,
 * which lists the loaded modules' symbols too (a gone driver's: modsyms.c). Read once, on first use; without root
 * the addresses there read 0 and stacks stay numeric.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "module.h"
#include "util.h"

struct ksym {
	uint64_t addr;
	const char *name;	/* "func", in text */
	const char *module;	/* "module", in text, or NULL for the kernel's own */
};

static struct ksym *ksyms;
static size_t nksyms;
static char *text;		/* the file, its names cut out in place */
static bool loaded;

static int compare_ksyms(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int hex_digit(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/*
 * The text symbols of a kallsyms line "ADDR TYPE NAME[\t[MODULE]]", cut in place;
 * false for another line. By hand, not sscanf: the file has ~100,000 lines, every
 * report reads it, and in a TCG guest sscanf's time was most of a report's.
 */
static bool parse_line(char *line, char *end, struct ksym *k)
{
	uint64_t addr = 0;
	char *p = line, *name;
	int d;

	for (; p < end && (d = hex_digit(*p)) >= 0; p++)
		addr = addr << 4 | (unsigned int)d;
	if (p == line || p == end || *p != ' ' || end - p < 4 || p[2] != ' ' ||
	    (p[1] != 't' && p[1] != 'T') || !addr)
		return false;
	name = p + 3;
	for (p = name; p < end && *p != '\t' && *p != ' '; p++)
		;
	if (p == name)
		return false;
	k->addr = addr;
	k->name = name;
	k->module = NULL;
	if (p < end && p + 2 < end && p[1] == '[' && end[-1] == ']') {
		k->module = p + 2;
		end[-1] = '\0';
	}
	*p = '\0';
	return true;
}

static void ksyms_load(void)
{
	const char *path = getenv("DDV_KALLSYMS");
	size_t size, cap = 0;
	bool sorted = true;
	char *line, *end;

	loaded = true;
	if (read_whole_file(path && *path ? path : "/proc/kallsyms", (void **)&text, &size))
		return;
	for (line = text; line < text + size; line = end + 1) {
		end = memchr(line, '\n', text + size - line);
		if (!end)
			end = text + size;
		if (nksyms == cap) {
			cap = cap ? cap * 2 : 65536;
			ksyms = xrealloc(ksyms, cap * sizeof(*ksyms));
		}
		if (!parse_line(line, end, &ksyms[nksyms]))
			continue;
		sorted &= !nksyms || ksyms[nksyms - 1].addr <= ksyms[nksyms].addr;
		nksyms++;
	}
	if (!sorted)
		qsort(ksyms, nksyms, sizeof(*ksyms), compare_ksyms);
}

/* Forgets the symbols read: the next lookup reads $DDV_KALLSYMS again (tests/cli/fuzz/). */
void ksyms_reset(void)
{
	free(ksyms);
	free(text);
	ksyms = NULL;
	text = NULL;
	nksyms = 0;
	loaded = false;
}

/*
 * "func+0xoff" or "func+0xoff [module]" for a text address; false when
 * unknown. A driver under test's frames come from its own symbols first
 * (modsyms.c: they stay named after it is gone), the rest from kallsyms.
 */
bool ksym_name(uint64_t addr, struct strbuf *sb)
{
	return modsyms_name(addr, sb) || ksym_name_kallsyms(addr, sb);
}

/* ksym_name from /proc/kallsyms alone: what is loaded now. */
bool ksym_name_kallsyms(uint64_t addr, struct strbuf *sb)
{
	size_t lo = 0, hi;
	const struct ksym *k;

	if (!loaded)
		ksyms_load();
	hi = nksyms;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ksyms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return false;
	k = &ksyms[lo - 1];
	/*
	 * Far past the last symbol is no function of it. A module's functions are
	 * small; an address 64 KiB past one is most likely in a module that has
	 * gone since (a report made after the driver's unload): left numeric
	 * rather than named wrongly.
	 */
	if (addr - k->addr > (k->module ? (1u << 16) : (1u << 20)))
		return false;
	sb_printf(sb, "%s+%#" PRIx64, k->name, addr - k->addr);
	if (k->module)
		sb_printf(sb, " [%s]", k->module);
	return true;
}

/* The text range [lo, hi) of function name (of module, when given): to the next symbol. */
bool ksym_range(const char *name, const char *module, uint64_t *lo, uint64_t *hi)
{
	if (!loaded)
		ksyms_load();
	for (size_t i = 0; i < nksyms; i++) {
		if (strcmp(ksyms[i].name, name) ||
		    (module && (!ksyms[i].module || strcmp(ksyms[i].module, module))))
			continue;
		*lo = ksyms[i].addr;
		*hi = i + 1 < nksyms ? ksyms[i + 1].addr : *lo + 1;
		return true;
	}
	return false;
}
