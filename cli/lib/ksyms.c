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
	char *name;		/* "func" or "func [module]" */
};

static struct ksym *ksyms;
static size_t nksyms;
static bool loaded;

static int compare_ksyms(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void ksyms_load(void)
{
	const char *path = getenv("DDV_KALLSYMS");
	char *text, *line, *save = NULL;
	size_t size, cap = 0;

	loaded = true;
	if (read_whole_file(path && *path ? path : "/proc/kallsyms", (void **)&text, &size))
		return;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char type, name[256], module[128] = "";
		unsigned long long addr;
		int n = sscanf(line, "%llx %c %255s [%127[^]]]", &addr, &type, name, module);

		if (n < 3 || !addr || (type != 't' && type != 'T'))
			continue;
		if (nksyms == cap) {
			cap = cap ? cap * 2 : 65536;
			ksyms = xrealloc(ksyms, cap * sizeof(*ksyms));
		}
		ksyms[nksyms].addr = addr;
		ksyms[nksyms].name = n == 4 ? xasprintf("%s [%s]", name, module) : xstrdup(name);
		nksyms++;
	}
	free(text);
	if (nksyms)	/* ksyms is NULL when no line was a text symbol */
		qsort(ksyms, nksyms, sizeof(*ksyms), compare_ksyms);
}

/* Forgets the symbols read: the next lookup reads $DDV_KALLSYMS again (tests/cli/fuzz/). */
void ksyms_reset(void)
{
	for (size_t i = 0; i < nksyms; i++)
		free(ksyms[i].name);
	free(ksyms);
	ksyms = NULL;
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
	const char *module;

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
	module = strchr(k->name, ' ');
	/*
	 * Far past the last symbol is no function of it. A module's functions are
	 * small; an address 64 KiB past one is most likely in a module that has
	 * gone since (a report made after the driver's unload): left numeric
	 * rather than named wrongly.
	 */
	if (addr - k->addr > (module ? (1u << 16) : (1u << 20)))
		return false;
	if (module)
		sb_printf(sb, "%.*s+%#" PRIx64 "%s", (int)(module - k->name), k->name,
			  addr - k->addr, module);
	else
		sb_printf(sb, "%s+%#" PRIx64, k->name, addr - k->addr);
	return true;
}

/* The text range [lo, hi) of function name (of module, when given): to the next symbol. */
bool ksym_range(const char *name, const char *module, uint64_t *lo, uint64_t *hi)
{
	size_t len = strlen(name);

	if (!loaded)
		ksyms_load();
	for (size_t i = 0; i < nksyms; i++) {
		const char *n = ksyms[i].name, *mod = strchr(n, ' ');
		size_t nlen = mod ? (size_t)(mod - n) : strlen(n);

		if (nlen != len || strncmp(n, name, len))
			continue;
		if (module && (!mod || strncmp(mod + 2, module, strlen(module)) ||
			       mod[2 + strlen(module)] != ']'))
			continue;
		*lo = ksyms[i].addr;
		*hi = i + 1 < nksyms ? ksyms[i + 1].addr : *lo + 1;
		return true;
	}
	return false;
}
