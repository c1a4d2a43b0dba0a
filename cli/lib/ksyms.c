/*
 * ksyms.c: names kernel addresses (the stacks in records) from /proc/kallsyms,
 * which lists the loaded modules' symbols too (a gone driver's: modsyms.c). Read once, on first use; without root
 * the addresses there read 0 and stacks stay numeric.
 *
 * The kernel makes /proc/kallsyms line by line: 1.6 s for its 94,000 lines in a TCG
 * guest, for every report that names a frame. Its text symbols change only with the boot
 * and the modules loaded, so they are kept in the state directory's .kallsyms (a dot file:
 * ddv start keeps it), keyed by the boot id and /proc/modules' names, sizes, states and
 * addresses, and read from there while both are the same. (A BPF program or trampoline
 * loaded since, which /proc/modules does not list, is then not named.)
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "module.h"
#include "runtime.h"
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

/* --- the cache ------------------------------------------------------------- */

#define CACHE_MAGIC "ddvksym1"
#define NO_MODULE UINT32_MAX

struct cache_head {
	char magic[8];
	uint64_t key_len, nsyms, strings_len;
};

struct cache_sym {
	uint64_t addr;
	uint32_t name, module;	/* offsets into the strings; module NO_MODULE for none */
};

/*
 * What the text symbols depend on: the boot, and each module's name, size, state and
 * address (/proc/modules' columns 1, 2, 5 and 6; not the reference counts). NULL when
 * either cannot be read.
 */
static char *cache_key(void)
{
	char *boot, *mods, *line, *save = NULL;
	struct strbuf key = { 0 };
	size_t size;

	if (read_whole_file("/proc/sys/kernel/random/boot_id", (void **)&boot, &size))
		return NULL;
	if (read_whole_file("/proc/modules", (void **)&mods, &size)) {
		free(boot);
		return NULL;
	}
	sb_printf(&key, "%s", boot);
	for (line = strtok_r(mods, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[64], state[16], addr[32];
		unsigned long msize;

		if (sscanf(line, "%63s %lu %*s %*s %15s %31s", name, &msize, state, addr) == 4)
			sb_printf(&key, "%s %lu %s %s\n", name, msize, state, addr);
	}
	free(boot);
	free(mods);
	while (key.len % 8)	/* the symbols after it stay aligned */
		sb_puts(&key, " ");
	return key.s;
}

static char *cache_path(void)
{
	return state_path(".kallsyms");
}

/* The symbols from the cache, when its key is key; the file's buffer becomes text. */
static bool cache_read(const char *key)
{
	char *path = cache_path(), *data, *strings;
	const struct cache_head *h;
	const struct cache_sym *cs;
	size_t size, klen = strlen(key);
	struct stat st;

	/* Only a cache of our own making: it holds kernel addresses. */
	if (stat(path, &st) || st.st_uid != geteuid() || (st.st_mode & 077) ||
	    read_whole_file(path, (void **)&data, &size)) {
		free(path);
		return false;
	}
	free(path);
	h = (const struct cache_head *)data;
	if (size < sizeof(*h) || memcmp(h->magic, CACHE_MAGIC, 8) || h->key_len != klen ||
	    h->nsyms > size / sizeof(*cs) ||
	    size != sizeof(*h) + klen + h->nsyms * sizeof(*cs) + h->strings_len ||
	    memcmp(data + sizeof(*h), key, klen)) {
		free(data);
		return false;
	}
	cs = (const struct cache_sym *)(data + sizeof(*h) + klen);
	strings = (char *)(cs + h->nsyms);
	if (h->strings_len == 0 || strings[h->strings_len - 1]) {
		free(data);
		return false;
	}
	ksyms = xmalloc((h->nsyms ? h->nsyms : 1) * sizeof(*ksyms));
	for (size_t i = 0; i < h->nsyms; i++) {
		if (cs[i].name >= h->strings_len ||
		    (cs[i].module != NO_MODULE && cs[i].module >= h->strings_len)) {
			free(ksyms);
			ksyms = NULL;
			free(data);
			return false;
		}
		ksyms[i].addr = cs[i].addr;
		ksyms[i].name = strings + cs[i].name;
		ksyms[i].module = cs[i].module == NO_MODULE ? NULL : strings + cs[i].module;
	}
	nksyms = h->nsyms;
	text = data;
	return true;
}

/* The symbols read, into the cache under key (not shared: 0600, written whole, renamed). */
static void cache_write(const char *key)
{
	struct strbuf strings = { 0 };
	struct cache_head h = { .key_len = strlen(key), .nsyms = nksyms };
	struct cache_sym *cs = xmalloc(nksyms * sizeof(*cs));
	const char *last_module = NULL;
	uint32_t module_at = NO_MODULE;
	char *path = cache_path(), *tmp = xasprintf("%s.tmp%d", path, (int)getpid());
	FILE *f;
	int fd;

	memcpy(h.magic, CACHE_MAGIC, 8);
	for (size_t i = 0; i < nksyms; i++) {
		cs[i].addr = ksyms[i].addr;
		cs[i].name = (uint32_t)strings.len;
		sb_add(&strings, ksyms[i].name, strlen(ksyms[i].name) + 1);
		/* A module's symbols come together: its name once for them all. */
		if (ksyms[i].module && (!last_module || strcmp(last_module, ksyms[i].module))) {
			module_at = (uint32_t)strings.len;
			sb_add(&strings, ksyms[i].module, strlen(ksyms[i].module) + 1);
			last_module = ksyms[i].module;
		}
		cs[i].module = ksyms[i].module ? module_at : NO_MODULE;
	}
	h.strings_len = strings.len;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (f) {
		bool ok = fwrite(&h, sizeof(h), 1, f) == 1 &&
			  fwrite(key, 1, h.key_len, f) == h.key_len &&
			  (!nksyms || fwrite(cs, sizeof(*cs), nksyms, f) == nksyms) &&
			  fwrite(strings.s, 1, strings.len, f) == strings.len;

		if (fclose(f) || !ok || rename(tmp, path))
			unlink(tmp);
	} else if (fd >= 0) {
		close(fd);
		unlink(tmp);
	}
	sb_free(&strings);
	free(cs);
	free(tmp);
	free(path);
}

/* --- reading ----------------------------------------------------------------- */

static void ksyms_load(void)
{
	const char *path = getenv("DDV_KALLSYMS");
	size_t size, cap = 0;
	bool sorted = true;
	char *line, *end, *key = NULL;

	loaded = true;
	/* A file named by $DDV_KALLSYMS (the tests') is read as it is. */
	if (!path || !*path) {
		path = "/proc/kallsyms";
		key = cache_key();
		if (key && cache_read(key)) {
			free(key);
			return;
		}
	}
	if (read_whole_file(path, (void **)&text, &size)) {
		free(key);
		return;
	}
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
	/* Without root the addresses read 0: nothing to keep. */
	if (key && nksyms)
		cache_write(key);
	free(key);
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
