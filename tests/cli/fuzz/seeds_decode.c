/*
 * seeds_decode.c: writes fuzz_decode's seed inputs into DIR: state directories
 * of the sessions the decoder must name right, their records made by the
 * runtime's own encoder (logring.c): a driver loaded and unloaded, one
 * attached then detached and its id given to another, a gone module's frames
 * named from its symbol snapshot, two CPUs out of order, a new boot, drops,
 * garbage, a cut frame, an unknown pack, suppressions and the command's own
 * findings. Built and run by build.sh (not part of make check).
 * usage: seeds_decode DIR
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <ddv/logrec.h>
#include <ddv/runtime_msgs.h>
#include "logring.h"
#include "../heap_catalog.h"

enum rt_msg {
#define DDV_RT_MSG(name, rule, sev, text, nargs, ...) RT_##name,
#include <ddv/runtime_msgs.h>
#undef DDV_RT_MSG
};

static const char packs[] = "1 linux 1.0\n2 extra 2.0\n";
static const char funcs[] =
	"0 linux kmalloc_trace kmalloc alloc 1\n"
	"1 linux kfree kfree none 0\n"
	"2 linux request_threaded_irq request_irq generic 1\n"
	"3 extra kfree kfree none 0\n";
static const char catalog1[] =
	HEAP_CATALOG_LINES
	"msg 4 linux.scope.probe warning specs/linux/heap.ddv:70:2 args=key still live {key}\n";
static const char catalog2[] =
	"# ddv message catalog 1\n"
	"pack extra 2.0\n"
	"msg 1 extra.odd warning x.ddv:1:1 args=a,b,c,d,e,f {a}{b}{c}{d}{e}{f} {g} {\n";
static const char sites1[] =
	"ddv sites 1\nmodule e1000\n"
	"0 e1000_probe 954 kmalloc_trace 232 0 .text 1210 0\n"
	"1 e1000_set_rx_mode 550 kfree 233 0 .text 3062 0\n"
	"2 e1000_init_module 20 kmalloc_trace 232 0 .init.text 20 1\n";
static const char sites2[] =
	"ddv sites 1\nmodule tg3\n"
	"0 tg3_open 100 request_threaded_irq 232 0 .text 5000 0\n";
static const char symbols[] =
	"ddv symbols 1\nmodule e1000\nsection .text 8192\nsection .init.text 64\n"
	"func .text 0 e1000_remove 1\nfunc .text 256 e1000_probe 1\n"
	"func .text 2512 e1000_set_rx_mode 1\nfunc .init.text 0 e1000_init_module 0\n";
static const char kallsyms[] =
	"ffffffff80000000 T _stext\nffffffff80100000 T far_away\n"
	"ffffffffc0200000 t tg3_open\t[tg3]\n";
static const char findings[] =
	"e1000\terror ddv.hang: driver e1000 hangs\t{\"rule\":\"ddv.hang\"}\n"
	"tg3\terror ddv.hang: tg3\t{\"rule\":\"ddv.hang\"\n";

#define TEXT_BASE 0xffffffffc0100000ull

static unsigned char mem[4][1 << 14];
static struct logring rings[4];
static unsigned char out[1 << 16];
static size_t nout;
static unsigned long long now = 5000000000ull;

static void rec(unsigned int cpu, unsigned int pack, unsigned int index, unsigned int nargs, ...)
{
	u64 args[DDV_LOG_MAX_ARGS];
	va_list ap;

	va_start(ap, nargs);
	for (unsigned int i = 0; i < nargs; i++)
		args[i] = va_arg(ap, unsigned long long);
	va_end(ap);
	now += 1500;
	if (!logring_write(&rings[cpu], now, DDV_MSG_ID(pack, index), nargs, args))
		abort();
}

/* A finding at a site, with its ddv.at and a stack whose frame 0 places the site. */
static void at_site(unsigned int cpu, unsigned int dut, unsigned int site, unsigned int func,
		    unsigned long long secoff)
{
	rec(cpu, 0, RT_AT, 3, (unsigned long long)dut, (unsigned long long)site,
	    (unsigned long long)func);
	rec(cpu, 0, RT_STACK, 6, TEXT_BASE + secoff + 5, TEXT_BASE + 300, 0xffffffff80000010ull,
	    0ull, 0xffffffff80100040ull, 0xdeadull);
}

static void drain(unsigned int cpu)
{
	nout += logring_drain(&rings[cpu], out + nout, sizeof(out) - nout);
}

static void reset(void)
{
	for (unsigned int i = 0; i < 4; i++)
		logring_init(&rings[i], mem[i], sizeof(mem[i]), i);
	nout = 0;
}

static void write_seed(const char *dir, const char *name, const char *args, bool all_files,
		       size_t cut)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(1);
	}
	if (args)
		fprintf(f, "%%%% args\n%s\n", args);
	fprintf(f, "%%%% packs\n%s%%%% funcs\n%s%%%% catalog.1\n%s", packs, funcs, catalog1);
	if (all_files)
		fprintf(f, "%%%% catalog.2\n%s%%%% dut-1.1.sites\n%s%%%% dut-1.2.sites\n%s"
			"%%%% dut-2.1.sites\n%s%%%% symbols.e1000\n%s%%%% kallsyms\n%s"
			"%%%% findings\n%s%%%% suppressions\n# kept by ddv run\nheap.double-free\n",
			catalog2, sites1, sites2, sites2, symbols, kallsyms, findings);
	else
		fprintf(f, "%%%% dut-1.1.sites\n%s", sites1);
	fprintf(f, "%%%% records\n");
	fwrite(out, 1, nout - cut, f);
	fclose(f);
}

/* Armed, loaded, a leak and a double free with stacks, unloaded: the driver is gone. */
static void session_load(void)
{
	reset();
	rec(0, 0, RT_DRIVER_ARMED, 2, 1ull, 3ull);
	rec(0, 0, RT_DRIVER_COMING, 3, 1ull, 3ull, 0ull);
	rec(0, 1, 3, 1, 64ull);
	at_site(0, 1, 0, 0, 1210);
	rec(1, 1, 1, 1, 0xffff888004000000ull);
	at_site(1, 1, 1, 1, 3062);
	rec(0, 0, RT_FAULT_INJECTED, 4, 0ull, 2ull, 0ull, 1ull);
	at_site(0, 1, 2, 0, 20);
	rec(0, 0, RT_DRIVER_LIVE, 1, 1ull);
	rec(1, 1, 2, 2, 0xffff888004000040ull, 128ull);
	rec(1, 0, RT_AT, 3, 1ull, 0ull, 0ull);
	rec(0, 0, RT_DRIVER_GOING, 3, 1ull, 1ull, 12ull);
	drain(1);
	drain(0);
}

/* Refused sites before ddv.attached, a finding, detached; id 1 goes to tg3, id 2 too. */
static void session_attach(void)
{
	reset();
	rec(0, 0, RT_SITE_REFUSED, 4, 1ull, 2ull, 7ull, 0ull);
	rec(0, 0, RT_ATTACHED, 3, 1ull, 2ull, 1ull);
	rec(1, 1, 1, 1, 0xffff888004000000ull);
	at_site(1, 1, 1, 1, 3062);
	rec(0, 0, RT_DETACHED, 2, 1ull, 2ull);
	rec(0, 0, RT_DRIVER_ARMED, 2, 1ull, 1ull);
	rec(0, 0, RT_ATTACHED, 3, 2ull, 1ull, 0ull);
	rec(1, 1, 2, 2, 0xffff888004000080ull, 32ull);
	rec(1, 0, RT_AT, 3, 2ull, 0ull, 2ull);
	rec(0, 0, RT_DRIVER_GOING, 3, 2ull, 1ull, 3ull);
	rec(0, 2, 1, 6, 1ull, 2ull, 3ull, 4ull, 5ull, 6ull);
	rec(0, 0, RT_AT, 3, 1ull, 0ull, 3ull);
	rec(2, 9, 4, 2, 1ull, 2ull);
	rec(2, 0, RT_HANG, 4, 1ull, 30ull, 0ull, 0ull);
	rec(2, 0, RT_LOCK_DELAYED, 3, 2ull, 0ull, 1000ull);
	rec(2, 0, RT_STACK, 6, 1ull, 2ull, 3ull, 4ull, 5ull, 6ull);
	drain(2);
	drain(0);
	drain(1);
}

/* A full ring (a DROP record), then a second boot whose clock starts again. */
static void session_reboot(void)
{
	static unsigned char small[256];

	reset();
	logring_init(&rings[3], small, sizeof(small), 3);
	for (unsigned int i = 0; i < 40; i++)
		rec(3, 1, 3, 1, (unsigned long long)i);
	drain(3);
	now = 1000;
	rec(0, 0, RT_DRIVER_ARMED, 2, 1ull, 3ull);
	rec(0, 1, 2, 2, 0xffff888004000040ull, 128ull);
	at_site(0, 1, 0, 0, 1210);
	drain(0);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: seeds_decode DIR\n");
		return 2;
	}
	if (mkdir(argv[1], 0755) && errno != EEXIST) {
		perror(argv[1]);
		return 1;
	}
	session_load();
	write_seed(argv[1], "load", NULL, true, 0);
	write_seed(argv[1], "load-minimal", "log --json", false, 0);
	write_seed(argv[1], "load-cut", "report", true, 7);
	session_attach();
	write_seed(argv[1], "attach", NULL, true, 0);
	write_seed(argv[1], "attach-suppress",
		   "report --json -S suppressions --suppress heap.leak@e1000_*>e1000_remove* "
		   "--suppress heap.double-free@tg3_open+0x64", true, 0);
	session_reboot();
	write_seed(argv[1], "reboot", NULL, true, 0);
	memcpy(out + nout, "\xd5garbage\xd5\x10\0\0\0\x4a", 15);
	nout += 15;
	write_seed(argv[1], "reboot-garbage", "log", true, 0);
	return 0;
}
