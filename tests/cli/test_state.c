/* test_state.c: what one ddv command leaves in the state directory for the next. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ddv/logrec.h>
#include <ddv/runtime_msgs.h>
#include "logring.h"

#include "util.h"
#include "module.h"
#include "catalog.h"
#include "runtime.h"
#include "decode.h"

#define E1000 SRCDIR "/tests/cli/data/e1000-6.1.0-56.ko"

static char dir[] = "/tmp/ddv-state-XXXXXX";

static void setup(void)
{
	cr_assert_not_null(mkdtemp(dir));
	setenv("DDV_STATE_DIR", dir, 1);
}

static void teardown(void)
{
	state_reset();
	rmdir(dir);
}

TestSuite(state, .init = setup, .fini = teardown);

/* A site table survives the trip through its file, generation after generation. */
Test(state, site_table_round_trip)
{
	struct symset probed = { 0 };
	struct site_table t, back, back2;
	unsigned int gen, gen2;

	symset_add(&probed, "kfree");
	symset_add(&probed, "__pci_register_driver");
	cr_assert_eq(relocs_read_file(E1000, &probed, &t), 0);
	cr_assert_eq(state_save_sites(3, &t, &gen), 0);
	cr_expect_eq(gen, 1);
	cr_assert_eq(state_save_sites(3, &t, &gen2), 0);
	cr_expect_eq(gen2, 2);
	cr_assert_eq(state_load_sites(3, 1, &back), 0);
	cr_assert_eq(state_load_sites(3, 2, &back2), 0);
	cr_expect_str_eq(back.module, "e1000");
	cr_assert_eq(back.nsites, t.nsites);
	for (size_t i = 0; i < t.nsites; i++) {
		cr_expect_str_eq(back.sites[i].func, t.sites[i].func);
		cr_expect_eq(back.sites[i].func_offset, t.sites[i].func_offset);
		cr_expect_str_eq(back.sites[i].symbol, t.sites[i].symbol);
		cr_expect_str_eq(back.sites[i].section, t.sites[i].section);
		cr_expect_eq(back.sites[i].opcode, t.sites[i].opcode);
		cr_expect_eq(back.sites[i].init, t.sites[i].init);
	}
	cr_expect_neq(state_load_sites(3, 3, &back2), 0);
	cr_expect_neq(state_load_sites(4, 1, &back2), 0);
	site_table_free(&t);
	site_table_free(&back);
	symset_free(&probed);
}

/* A family's table keeps its members and each site's member; a site names its module. */
Test(state, family_round_trip)
{
	struct site_table t = { 0 }, back;
	unsigned int gen;

	t.module = xstrdup("mptsas");
	t.nmembers = 2;
	t.members = xcalloc(2, sizeof(*t.members));
	t.members[0] = xstrdup("mptscsih");
	t.members[1] = xstrdup("mptbase");
	t.nsites = t.cap = 3;
	t.sites = xcalloc(3, sizeof(*t.sites));
	for (unsigned int i = 0; i < 3; i++)
		t.sites[i] = (struct site){ .func = xstrdup(i ? "mpt_attach" : "mptsas_probe"),
					    .func_offset = 0x10 * i, .symbol = xstrdup("kfree"),
					    .section = xstrdup(".text"), .opcode = 0xe8,
					    .member = i };
	cr_assert_eq(state_save_sites(5, &t, &gen), 0);
	cr_assert_eq(state_load_sites(5, gen, &back), 0);
	cr_assert_eq(back.nmembers, 2);
	cr_expect_str_eq(back.members[0], "mptscsih");
	cr_expect_str_eq(back.members[1], "mptbase");
	cr_assert_eq(back.nsites, 3);
	for (unsigned int i = 0; i < 3; i++)
		cr_expect_eq(back.sites[i].member, i);
	cr_expect_str_eq(site_module(&back, &back.sites[0]), "mptsas");
	cr_expect_str_eq(site_module(&back, &back.sites[1]), "mptscsih");
	cr_expect_str_eq(site_module(&back, &back.sites[2]), "mptbase");
	site_table_free(&t);
	site_table_free(&back);
}

Test(state, findings_and_records)
{
	char *text;
	void *data;
	size_t size;

	cr_assert_eq(state_read_findings(&text), 0);
	cr_expect_str_eq(text, "");
	free(text);
	cr_assert_eq(state_add_finding("a\tb\tc"), 0);
	cr_assert_eq(state_add_finding("d\te\tf"), 0);
	cr_assert_eq(state_read_findings(&text), 0);
	cr_expect_str_eq(text, "a\tb\tc\nd\te\tf\n");
	free(text);
	cr_assert_eq(state_read_records(&data, &size), 0);
	cr_expect_eq(size, 0);
	free(data);
}

/* A decoder over the state picks each driver's table as its arming comes by. */
Test(state, tables_from_files)
{
	struct rt_tables rt;
	char *path = state_path("packs");

	cr_assert_eq(write_whole_file(path, "1 linux 1.0\n2 other 2\n", 22), 0);
	free(path);
	cr_assert_eq(state_load_tables(&rt), 0);
	cr_expect_eq(rt.npacks, 2);
	cr_expect_str_eq(rt_pack_by_id(&rt, 2)->name, "other");
	cr_expect_null(rt_pack_by_id(&rt, 3));
	cr_expect_eq(rt.nfuncs, 0);
	rt_tables_free(&rt);
}

static void write_sites(unsigned int dut, const char *module, const char *func)
{
	struct site_table t = { 0 };
	unsigned int gen;

	t.module = xstrdup(module);
	t.nsites = t.cap = 1;
	t.sites = xcalloc(1, sizeof(*t.sites));
	t.sites[0] = (struct site){ .func = xstrdup(func), .func_offset = 0x10,
				    .symbol = xstrdup("kfree"), .section = xstrdup(".text"),
				    .opcode = 0xe8 };
	cr_assert_eq(state_save_sites(dut, &t, &gen), 0);
	site_table_free(&t);
}

static void collect_text(struct decoder *dec, const struct event *ev, void *data)
{
	event_text(dec, ev, data);
}

static void collect_json(struct decoder *dec, const struct event *ev, void *data)
{
	event_json(dec, ev, data);
}

/* The two drivers' fixture: a catalog with one rule, the runtime's messages, driver id 1's tables. */
static const char two_drivers_catalog[] =
	"# ddv message catalog 1\npack linux 1\n"
	"msg 1 heap.double-free error h.ddv:1:1 args=p double free of {p}\n";
enum {
#define DDV_RT_MSG(name, rule, sev, text, nargs, ...) RT_##name,
#include <ddv/runtime_msgs.h>
#undef DDV_RT_MSG
};

/* Driver id 1 was "first" (first_probe), then "second" (second_open); one kfree site each. */
static void two_drivers_setup(struct catalog *cat, struct rt_tables *rt)
{
	write_sites(1, "first", "first_probe");
	write_sites(1, "second", "second_open");
	catalog_init(cat);
	cr_assert_eq(catalog_parse(cat, two_drivers_catalog, "t.msgs"), 0);
	rt_tables_parse(rt, "1 linux 1\n", "0 linux kfree kfree\n");
}

/* Writes one record of message (pack, idx) at time *ts into ring, then advances *ts by step. */
#define LOG_AT(ring, ts, step, pack, idx, ...) do {					\
		u64 args_[] = { __VA_ARGS__ };						\
		cr_assert(logring_write(&(ring), (ts), DDV_MSG_ID(pack, idx),		\
					sizeof(args_) / sizeof(args_[0]), args_));	\
		(ts) += (step);								\
	} while (0)

/* One record into the test's ring (a struct logring), its ts advancing by 1. */
#define RLOG(pack, idx, ...) LOG_AT(ring, ts, 1, pack, idx, __VA_ARGS__)

/*
 * Driver id 1 is first "first" (loaded, unloaded: kept armed, same table),
 * then detached, then "second" attached: its refused sites come before
 * ddv.attached, and still name the second table.
 */
Test(state, site_tables_follow_the_records)
{
	static unsigned char mem[4096], frames[8192];
	struct strbuf text = { 0 };
	struct logring ring;
	struct catalog cat;
	struct rt_tables rt;
	struct decoder dec;
	size_t n;
	u64 ts = 1;

	two_drivers_setup(&cat, &rt);
	cr_assert_eq(logring_init(&ring, mem, sizeof(mem), 0), 0);
	RLOG(0, RT_DRIVER_ARMED, 1, 1);
	RLOG(1, 1, 0xa1);
	RLOG(0, RT_AT, 1, 0, 0);
	RLOG(0, RT_DRIVER_GOING, 1, 0, 5);
	RLOG(1, 1, 0xa2);
	RLOG(0, RT_AT, 1, 0, 0);
	RLOG(0, RT_DETACHED, 1, 0);
	RLOG(0, RT_SITE_REFUSED, 1, 0, DDV_REFUSE_INIT_GONE, 0);
	RLOG(0, RT_ATTACHED, 1, 0, 1);
	RLOG(1, 1, 0xa3);
	RLOG(0, RT_AT, 1, 0, 0);
	n = logring_drain(&ring, frames, sizeof(frames));
	decoder_init(&dec, &cat, &rt, true);
	decode_stream(&dec, frames, n, collect_text, &text);
	cr_expect(strstr(text.s, "double free of 161 [first: first_probe+0x10, call kfree]"),
		  "%s", text.s);
	cr_expect(strstr(text.s, "double free of 162 [first: first_probe+0x10, call kfree]"),
		  "%s", text.s);
	cr_expect(strstr(text.s, "call site second_open+0x10 of driver second left alone"),
		  "%s", text.s);
	cr_expect(strstr(text.s, "double free of 163 [second: second_open+0x10, call kfree]"),
		  "%s", text.s);
	sb_free(&text);
	decoder_free(&dec);
	rt_tables_free(&rt);
	catalog_free(&cat);
}

/*
 * The drain hands CPU 1's ring over before CPU 0's: the finding logged on
 * CPU 1 after "second" was attached on CPU 0 comes first in the stream, and
 * must still be named by the table that attach put in force (not by the
 * one of "first", detached before, nor by none).
 */
Test(state, finding_on_another_cpu_named_by_earlier_attach)
{
	static unsigned char mem0[4096], mem1[4096], frames[8192];
	struct strbuf text = { 0 }, json = { 0 };
	struct report rep = { .json = true };
	struct logring ring0, ring1;
	struct catalog cat;
	struct rt_tables rt;
	struct decoder dec;
	size_t n;
	u64 ts = 1000;

#define LOG_ON(ring, pack, idx, ...) LOG_AT(ring, ts, 10, pack, idx, __VA_ARGS__)

	two_drivers_setup(&cat, &rt);
	cr_assert_eq(logring_init(&ring0, mem0, sizeof(mem0), 0), 0);
	cr_assert_eq(logring_init(&ring1, mem1, sizeof(mem1), 1), 0);
	LOG_ON(ring0, 0, RT_DRIVER_ARMED, 1, 1);
	LOG_ON(ring0, 0, RT_DETACHED, 1, 0);
	LOG_ON(ring0, 0, RT_ATTACHED, 1, 0, 1);
	LOG_ON(ring1, 1, 1, 0xa3);
	LOG_ON(ring1, 0, RT_AT, 1, 0, 0);
	n = logring_drain(&ring1, frames, sizeof(frames));
	n += logring_drain(&ring0, frames + n, sizeof(frames) - n);
	decoder_init(&dec, &cat, &rt, true);
	decode_stream(&dec, frames, n, collect_text, &text);
	cr_expect(strstr(text.s, "double free of 163 [second: second_open+0x10, call kfree]"),
		  "%s", text.s);
	cr_expect_null(strstr(text.s, "first_probe"), "%s", text.s);
	/* Each record's message names the driver its own table named, not the last one. */
	cr_expect(strstr(text.s, "armed for driver first"), "%s", text.s);
	cr_expect(strstr(text.s, "detached from driver first"), "%s", text.s);
	cr_expect(strstr(text.s, "attached to loaded driver second"), "%s", text.s);
	decoder_free(&dec);

	/* The JSON of the same stream names the driver and the site too. */
	decoder_init(&dec, &cat, &rt, true);
	decode_stream(&dec, frames, n, collect_json, &json);
	cr_expect(strstr(json.s, "\"driver\":\"second\""), "%s", json.s);
	cr_expect(strstr(json.s, "\"function\":\"second_open\""), "%s", json.s);
	sb_free(&json);
	decoder_free(&dec);

	/* ddv report --json: the one finding, at the second driver's site. */
	decoder_init(&dec, &cat, &rt, true);
	decode_stream(&dec, frames, n, report_event, &rep);
	report_summary(&rep, &dec);
	cr_expect_eq(rep.findings, 1);
	cr_expect(strstr(rep.out.s, "\"driver\":\"second\""), "%s", rep.out.s);
	cr_expect(strstr(rep.out.s, "\"function\":\"second_open\""), "%s", rep.out.s);
	sb_free(&rep.out);
	sb_free(&text);
	decoder_free(&dec);
	rt_tables_free(&rt);
	catalog_free(&cat);
#undef LOG_ON
}

/* LIST_FUNCS lines with and without fault classes; what the runtime may fail. */
Test(state, fault_classes_from_the_function_list)
{
	static const char funcs[] =
		"0 linux kmalloc_trace kmalloc alloc 1\n"
		"1 linux kfree kfree none 0\n"
		"2 linux mutex_lock mutex_lock lock 0\n"
		"3 linux spin_trylock spin_trylock trylock 1\n"
		"4 linux request_threaded_irq request_irq generic 2\n"
		"5 linux odd odd generic 0\n"
		"6 linux older older\n"
		"7 linux bad_count bad_count generic x\n"
		"8 linux future future newclass 1\n";
	static const int fallible[] = { 1, 0, 0, 1, 1, 0, -1, -1, -1 };
	struct rt_tables rt;

	rt_tables_parse(&rt, "1 linux 1\n", funcs);
	cr_assert_eq(rt.nfuncs, 9);
	for (unsigned int i = 0; i < rt.nfuncs; i++)
		cr_expect_eq(rt_func_fallible(&rt.funcs[i]), fallible[i], "%s: %d, not %d",
			     rt.funcs[i].symbol, rt_func_fallible(&rt.funcs[i]), fallible[i]);
	cr_expect_str_eq(rt.funcs[0].api, "kmalloc");
	cr_expect_str_eq(rt.funcs[4].fault_class, "generic");
	cr_expect_eq(rt.funcs[4].nfail, 2);
	cr_expect_null(rt.funcs[6].fault_class);
	cr_expect_eq(rt.funcs[6].nfail, -1);
	cr_expect_null(rt.funcs[7].fault_class);
	rt_tables_free(&rt);
}

static void collect_frames(struct decoder *dec, const struct event *ev, void *data)
{
	struct strbuf *sb = data;

	if (!ev->nstack)
		return;
	for (unsigned int i = 0; i < ev->nstack; i++) {
		if (i)
			sb_puts(sb, " | ");
		if (!ksym_name(ev->stack[i], sb))
			sb_puts(sb, "?");
	}
	sb_puts(sb, "\n");
}

/*
 * Writes module first's symbols and kallsyms, and saves its two sites LOADS
 * times (*gen: the last load's generation): site 0 a call at first_probe+0x10
 * (.text+0x30), site 1 at first_init+0x8 in init text.
 */
static void save_first_sites(const char *symbols, const char *kallsyms, const char *path,
			     const char *kpath, unsigned int loads, unsigned int *gen)
{
	struct site_table t = { 0 };

	cr_assert_eq(write_whole_file(path, symbols, strlen(symbols)), 0);
	cr_assert_eq(write_whole_file(kpath, kallsyms, strlen(kallsyms)), 0);
	setenv("DDV_KALLSYMS", kpath, 1);
	t.module = xstrdup("first");
	t.nsites = t.cap = 2;
	t.sites = xcalloc(2, sizeof(*t.sites));
	t.sites[0] = (struct site){ .func = xstrdup("first_probe"), .func_offset = 0x10,
				    .symbol = xstrdup("kfree"), .section = xstrdup(".text"),
				    .section_offset = 0x30, .opcode = 0xe8 };
	t.sites[1] = (struct site){ .func = xstrdup("first_init"), .func_offset = 0x8,
				    .symbol = xstrdup("kfree"), .section = xstrdup(".init.text"),
				    .section_offset = 0x8, .opcode = 0xe8, .init = true };
	while (loads--)
		cr_assert_eq(state_save_sites(1, &t, gen), 0);
	site_table_free(&t);
}

/*
 * A driver's frames named from the symbols ddv load kept (modsyms.c), after
 * it is gone: a call site's record places its section, whichever CPU's ring
 * brought it; a record whose first frame /proc/kallsyms puts in ddv's own
 * modules places nothing; each load (site table) has its own places.
 */
Test(state, frames_named_from_the_kept_symbols)
{
	static const char catalog_text[] =
		"# ddv message catalog 1\npack linux 1\n"
		"msg 1 heap.double-free error h.ddv:1:1 args=p double free of {p}\n";
	static const char symbols[] =
		"ddv symbols 1\nmodule first\nsection .text 256\nsection .init.text 128\n"
		"func .text 0 first_helper 1\nfunc .text 32 init_module 0\n"
		"func .text 32 first_probe 1\nfunc .init.text 0 first_init 1\n";
	static const char kallsyms[] =
		"ffffffff81000000 T _stext\nffffffffc0100000 t other_fn\t[ddv_linux]\n";
	const u64 base = 0xffffffffc0001000ull, init = 0xffffffffc0009000ull;
	const u64 base2 = 0xffffffffc0021000ull;
	static unsigned char mem0[4096], mem1[4096], frames[16384];
	struct logring ring;
	struct strbuf text = { 0 };
	char *path = state_path("symbols.first"), *kpath = state_path("kallsyms");
	struct catalog cat;
	struct rt_tables rt;
	struct decoder dec;
	unsigned int gen;
	size_t n;
	u64 ts = 1;

	save_first_sites(symbols, kallsyms, path, kpath, 2, &gen);
	catalog_init(&cat);
	cr_assert_eq(catalog_parse(&cat, catalog_text, "t.msgs"), 0);
	rt_tables_parse(&rt, "1 linux 1\n", "0 linux kfree kfree none 0\n");
	/*
	 * Load 1. CPU 0: the .text record, whose frame 1 lies in init text; the
	 * record placing init text comes on CPU 1, drained after CPU 0's ring
	 * (the one ring, drained, then made CPU 1's). Then a record whose frame
	 * 0 kallsyms gives to ddv's pack module.
	 */
	cr_assert_eq(logring_init(&ring, mem0, sizeof(mem0), 0), 0);
	RLOG(0, RT_DRIVER_ARMED, 1, 2);
	RLOG(1, 1, 0xa1);
	RLOG(0, RT_AT, 1, 0, 0);
	RLOG(0, RT_STACK, base + 0x35, init + 0x20, base + 0x8, 0xffffffff81000010ull, 0, 0);
	RLOG(1, 1, 0xa2);
	RLOG(0, RT_AT, 1, 1, 0);
	RLOG(0, RT_STACK, 0xffffffffc0100005ull, base + 0x35, 0, 0, 0, 0);
	n = logring_drain(&ring, frames, sizeof(frames));
	cr_assert_eq(logring_init(&ring, mem1, sizeof(mem1), 1), 0);
	RLOG(1, 1, 0xa3);
	RLOG(0, RT_AT, 1, 1, 0);
	RLOG(0, RT_STACK, init + 0xd, 0xffffffff81000020ull, 0, 0, 0, 0);
	/* Load 2 (a new arming: the second table), elsewhere; its init text never placed. */
	RLOG(0, RT_DRIVER_ARMED, 1, 2);
	RLOG(1, 1, 0xa4);
	RLOG(0, RT_AT, 1, 0, 0);
	RLOG(0, RT_STACK, base2 + 0x35, init + 0x20, 0, 0, 0, 0);
	n += logring_drain(&ring, frames + n, sizeof(frames) - n);
	decoder_init(&dec, &cat, &rt, true);
	decode_stream(&dec, frames, n, collect_frames, &text);
	cr_expect_str_eq(text.s,
			 "first_probe+0x15 [first] | first_init+0x20 [first] | "
			 "first_helper+0x8 [first] | _stext+0x10\n"
			 "first_init+0xd [first] | _stext+0x20\n"
			 "other_fn+0x5 [ddv_linux] | first_probe+0x15 [first]\n"
			 "first_probe+0x15 [first] | ?\n");
	sb_free(&text);
	decoder_free(&dec);
	rt_tables_free(&rt);
	catalog_free(&cat);
	unsetenv("DDV_KALLSYMS");
	unlink(kpath);
	free(kpath);
	free(path);
}

/*
 * A call site's record whose first frame /proc/kallsyms puts in ddv.ko
 * ("[ddv]") or in a pack ("[ddv_linux]") places no section of the driver:
 * the runtime's own frames may come first on its stack. Placed from such a
 * frame, the driver's section would lie over ddv's text, and ddv's frames
 * would be named as the driver's.
 */
Test(state, frames_in_ddvs_own_modules_place_nothing)
{
	static const char catalog_text[] =
		"# ddv message catalog 1\npack linux 1\n"
		"msg 1 heap.double-free error h.ddv:1:1 args=p double free of {p}\n";
	static const char symbols[] =
		"ddv symbols 1\nmodule first\nsection .text 256\nsection .init.text 128\n"
		"func .text 0 first_helper 1\nfunc .text 32 first_probe 1\n"
		"func .init.text 0 first_init 1\n";
	static const char kallsyms[] =
		"ffffffff81000000 T _stext\nffffffffc0100000 t ddv_fn\t[ddv]\n"
		"ffffffffc0200000 t pack_fn\t[ddv_linux]\n";
	static unsigned char mem[4096], frames[8192];
	struct logring ring;
	struct strbuf text = { 0 };
	char *path = state_path("symbols.first"), *kpath = state_path("kallsyms");
	struct catalog cat;
	struct rt_tables rt;
	struct decoder dec;
	unsigned int gen;
	size_t n;
	u64 ts = 1;

	save_first_sites(symbols, kallsyms, path, kpath, 1, &gen);
	catalog_init(&cat);
	cr_assert_eq(catalog_parse(&cat, catalog_text, "t.msgs"), 0);
	rt_tables_parse(&rt, "1 linux 1\n", "0 linux kfree kfree none 0\n");
	/* Each site's record, frame 0 in ddv.ko, then in the pack: one section each. */
	cr_assert_eq(logring_init(&ring, mem, sizeof(mem), 0), 0);
	RLOG(0, RT_DRIVER_ARMED, 1, gen);
	RLOG(1, 1, 0xa1);
	RLOG(0, RT_AT, 1, 0, 0);
	RLOG(0, RT_STACK, 0xffffffffc0100040ull, 0xffffffff81000010ull, 0, 0, 0, 0);
	RLOG(1, 1, 0xa2);
	RLOG(0, RT_AT, 1, 1, 0);
	RLOG(0, RT_STACK, 0xffffffffc0200020ull, 0xffffffff81000020ull, 0, 0, 0, 0);
	n = logring_drain(&ring, frames, sizeof(frames));
	decoder_init(&dec, &cat, &rt, true);
	decode_stream(&dec, frames, n, collect_frames, &text);
	cr_expect_str_eq(text.s, "ddv_fn+0x40 [ddv] | _stext+0x10\n"
				 "pack_fn+0x20 [ddv_linux] | _stext+0x20\n");
	sb_free(&text);
	decoder_free(&dec);
	rt_tables_free(&rt);
	catalog_free(&cat);
	unsetenv("DDV_KALLSYMS");
	unlink(kpath);
	free(kpath);
	free(path);
}

/*
 * A gone driver whose text another module took since (the next load of a
 * campaign, the next fixture): its frames are named from its kept symbols,
 * not by what /proc/kallsyms has at that address now.
 */
Test(state, a_gone_drivers_frames_not_named_by_the_module_there_now)
{
	static const char catalog_text[] =
		"# ddv message catalog 1\npack linux 1\n"
		"msg 1 heap.double-free error h.ddv:1:1 args=p double free of {p}\n";
	static const char symbols[] =
		"ddv symbols 1\nmodule first\nsection .text 256\n"
		"func .text 0 first_helper 1\nfunc .text 32 first_probe 1\n";
	/* next_fn [next] lies where first's .text lay. */
	static const char kallsyms[] =
		"ffffffff81000000 T _stext\nffffffffc0001000 t next_fn\t[next]\n";
	const u64 base = 0xffffffffc0001000ull;
	static unsigned char mem[4096], frames[8192];
	struct logring ring;
	struct strbuf text = { 0 };
	struct site_table t = { 0 };
	char *path = state_path("symbols.first"), *kpath = state_path("kallsyms");
	struct catalog cat;
	struct rt_tables rt;
	struct decoder dec;
	unsigned int gen;
	size_t n;
	u64 ts = 1;

	cr_assert_eq(write_whole_file(path, symbols, strlen(symbols)), 0);
	cr_assert_eq(write_whole_file(kpath, kallsyms, strlen(kallsyms)), 0);
	setenv("DDV_KALLSYMS", kpath, 1);
	t.module = xstrdup("first");
	t.nsites = t.cap = 1;
	t.sites = xcalloc(1, sizeof(*t.sites));
	t.sites[0] = (struct site){ .func = xstrdup("first_probe"), .func_offset = 0x10,
				    .symbol = xstrdup("kfree"), .section = xstrdup(".text"),
				    .section_offset = 0x30, .opcode = 0xe8 };
	cr_assert_eq(state_save_sites(1, &t, &gen), 0);
	site_table_free(&t);
	catalog_init(&cat);
	cr_assert_eq(catalog_parse(&cat, catalog_text, "t.msgs"), 0);
	rt_tables_parse(&rt, "1 linux 1\n", "0 linux kfree kfree none 0\n");
	cr_assert_eq(logring_init(&ring, mem, sizeof(mem), 0), 0);
	RLOG(0, RT_DRIVER_ARMED, 1, gen);
	RLOG(1, 1, 0xa1);
	RLOG(0, RT_AT, 1, 0, 0);
	RLOG(0, RT_STACK, base + 0x35, base + 0x8, 0xffffffff81000010ull, 0, 0, 0);
	n = logring_drain(&ring, frames, sizeof(frames));
	decoder_init(&dec, &cat, &rt, true);
	decode_stream(&dec, frames, n, collect_frames, &text);
	cr_expect_str_eq(text.s, "first_probe+0x15 [first] | first_helper+0x8 [first] | _stext+0x10\n");
	sb_free(&text);
	decoder_free(&dec);
	rt_tables_free(&rt);
	catalog_free(&cat);
	unsetenv("DDV_KALLSYMS");
	unlink(kpath);
	free(kpath);
	free(path);
}

/*
 * Two drivers' frames: the second driver's kept symbols are read after the
 * first one's section was placed, and the first one's frames are named
 * after that (ddv log of mptsas with mptscsih attached died there: the
 * placements pointed into the list of kept symbols, which grew under them).
 */
Test(state, frames_of_two_drivers_named)
{
	static const char catalog_text[] =
		"# ddv message catalog 1\npack linux 1\n"
		"msg 1 heap.double-free error h.ddv:1:1 args=p double free of {p}\n";
	static const char *const modules[] = { "first", "second" };
	const u64 base[] = { 0xffffffffc0001000ull, 0xffffffffc0021000ull };
	static unsigned char mem[8192], frames[16384];
	struct strbuf text = { 0 };
	struct logring ring;
	struct catalog cat;
	struct rt_tables rt;
	struct decoder dec;
	unsigned int gen;
	size_t n;
	u64 ts = 1;

	for (unsigned int d = 0; d < 2; d++) {
		char *path = state_path(d ? "symbols.second" : "symbols.first"), *syms;
		struct site_table t = { 0 };

		syms = xasprintf("ddv symbols 1\nmodule %s\nsection .text 256\n"
				 "func .text 0 %s_helper 1\nfunc .text 32 %s_probe 1\n",
				 modules[d], modules[d], modules[d]);
		cr_assert_eq(write_whole_file(path, syms, strlen(syms)), 0);
		free(syms);
		free(path);
		t.module = xstrdup(modules[d]);
		t.nsites = t.cap = 1;
		t.sites = xcalloc(1, sizeof(*t.sites));
		t.sites[0] = (struct site){ .func = xasprintf("%s_probe", modules[d]),
					    .func_offset = 0x10, .symbol = xstrdup("kfree"),
					    .section = xstrdup(".text"), .section_offset = 0x30,
					    .opcode = 0xe8 };
		cr_assert_eq(state_save_sites(d + 1, &t, &gen), 0);
		site_table_free(&t);
	}
	catalog_init(&cat);
	cr_assert_eq(catalog_parse(&cat, catalog_text, "t.msgs"), 0);
	rt_tables_parse(&rt, "1 linux 1\n", "0 linux kfree kfree none 0\n");
	cr_assert_eq(logring_init(&ring, mem, sizeof(mem), 0), 0);
	RLOG(0, RT_DRIVER_ARMED, 1, 1);
	RLOG(0, RT_DRIVER_ARMED, 2, 1);
	/* first's call places its .text; second's reads second's symbols; first's again. */
	for (unsigned int i = 0; i < 3; i++) {
		unsigned int d = i == 1;

		RLOG(1, 1, 0xa0 + i);
		RLOG(0, RT_AT, d + 1, 0, 0);
		RLOG(0, RT_STACK, base[d] + 0x35, base[d] + 0x8, 0, 0, 0, 0);
	}
	n = logring_drain(&ring, frames, sizeof(frames));
	decoder_init(&dec, &cat, &rt, true);
	decode_stream(&dec, frames, n, collect_frames, &text);
	cr_expect_str_eq(text.s,
			 "first_probe+0x15 [first] | first_helper+0x8 [first]\n"
			 "second_probe+0x15 [second] | second_helper+0x8 [second]\n"
			 "first_probe+0x15 [first] | first_helper+0x8 [first]\n");
	sb_free(&text);
	decoder_free(&dec);
	rt_tables_free(&rt);
	catalog_free(&cat);
}

/*
 * A family: driver "drv" with one member, "member", still loaded, its text
 * just below the driver's. Site 0 is the driver's, drv_probe+0x10
 * (.text+0x30); site 1 the member's, member_send+0x8 (.text+0x48).
 */
static const char family_catalog[] =
	"# ddv message catalog 1\npack linux 1\n"
	"msg 1 heap.double-free error h.ddv:1:1 args=p double free of {p}\n";
static const u64 family_drv = 0xffffffffc0001000ull, family_member = 0xffffffffc0000000ull;

struct family {
	struct catalog cat;
	struct rt_tables rt;
	unsigned char mem[8192];
	unsigned char frames[16384];
	unsigned int gen;
	char *path[3];
};

static void family_setup(struct family *f)
{
	static const char *const files[3][2] = {
		{ "symbols.drv", "ddv symbols 1\nmodule drv\nsection .text 256\n"
				 "func .text 0 drv_helper 1\nfunc .text 32 drv_probe 1\n" },
		{ "symbols.member", "ddv symbols 1\nmodule member\nsection .text 512\n"
				    "func .text 0 member_alloc 1\nfunc .text 64 member_send 1\n"
				    "func .text 256 cleanup_module 0\n" },
		{ "kallsyms", "ffffffff81000000 T _stext\nffffffffc0000000 t member_alloc\t[member]\n"
			      "ffffffffc0000040 t member_send\t[member]\n"
			      "ffffffffc0000100 t cleanup_module\t[member]\n" },
	};
	struct site_table t = { 0 };

	for (unsigned int i = 0; i < 3; i++) {
		f->path[i] = state_path(files[i][0]);
		cr_assert_eq(write_whole_file(f->path[i], files[i][1], strlen(files[i][1])), 0);
	}
	setenv("DDV_KALLSYMS", f->path[2], 1);
	t.module = xstrdup("drv");
	t.members = xcalloc(1, sizeof(*t.members));
	t.members[0] = xstrdup("member");
	t.nmembers = 1;
	t.nsites = t.cap = 2;
	t.sites = xcalloc(2, sizeof(*t.sites));
	t.sites[0] = (struct site){ .func = xstrdup("drv_probe"), .func_offset = 0x10,
				    .symbol = xstrdup("kfree"), .section = xstrdup(".text"),
				    .section_offset = 0x30, .opcode = 0xe8 };
	t.sites[1] = (struct site){ .func = xstrdup("member_send"), .func_offset = 0x8,
				    .symbol = xstrdup("kfree"), .section = xstrdup(".text"),
				    .section_offset = 0x48, .opcode = 0xe8, .member = 1 };
	cr_assert_eq(state_save_sites(1, &t, &f->gen), 0);
	site_table_free(&t);
	catalog_init(&f->cat);
	cr_assert_eq(catalog_parse(&f->cat, family_catalog, "t.msgs"), 0);
	rt_tables_parse(&f->rt, "1 linux 1\n", "0 linux kfree kfree none 0\n");
}

static void family_free(struct family *f)
{
	rt_tables_free(&f->rt);
	catalog_free(&f->cat);
	unsetenv("DDV_KALLSYMS");
	for (unsigned int i = 0; i < 3; i++) {
		unlink(f->path[i]);
		free(f->path[i]);
	}
}

/*
 * The family's findings: the driver's call from drv_probe; the member's,
 * called by the driver's helper; the driver's call from drv_probe again,
 * called back by the member's member_alloc.
 */
static size_t family_log(struct family *f)
{
	struct logring ring;
	u64 ts = 1;

	cr_assert_eq(logring_init(&ring, f->mem, sizeof(f->mem), 0), 0);
	RLOG(0, RT_DRIVER_ARMED, 1, f->gen);
	RLOG(1, 1, 0xa1);
	RLOG(0, RT_AT, 1, 0, 0);
	RLOG(0, RT_STACK, family_drv + 0x35, family_drv + 0x8, 0xffffffff81000010ull, 0, 0, 0);
	RLOG(1, 1, 0xa2);
	RLOG(0, RT_AT, 1, 1, 0);
	RLOG(0, RT_STACK, family_member + 0x4d, family_drv + 0x8, 0, 0, 0, 0);
	RLOG(1, 1, 0xa3);
	RLOG(0, RT_AT, 1, 0, 0);
	RLOG(0, RT_STACK, family_drv + 0x35, family_member + 0x10, 0, 0, 0, 0);
	return logring_drain(&ring, f->frames, sizeof(f->frames));
}
/*
 * A family (ddv load with its members): a member's call site places the
 * member's section, not the driver's section of that name. ipmi_ssif's
 * log named its frames "cleanup_module+0xd69a [ipmi_msghandler]": the
 * member's sites placed ipmi_ssif's .text elsewhere, the two places
 * disagreed, none was used, and /proc/kallsyms named the gone driver's
 * text after the member loaded before it.
 */
/*
 * A family (ddv load with its members): a member's call site places the
 * member's section, not the driver's section of that name. ipmi_ssif's
 * log named its frames "cleanup_module+0xd69a [ipmi_msghandler]": the
 * member's sites placed ipmi_ssif's .text elsewhere, the two places
 * disagreed, none was used, and /proc/kallsyms named the gone driver's
 * text after the member loaded before it.
 */
Test(state, a_family_members_frames_named_after_their_own_module)
{
	static struct family f;
	struct strbuf text = { 0 };
	struct decoder dec;
	size_t n;

	family_setup(&f);
	n = family_log(&f);
	decoder_init(&dec, &f.cat, &f.rt, true);
	decode_stream(&dec, f.frames, n, collect_frames, &text);
	cr_expect_str_eq(text.s,
			 "drv_probe+0x15 [drv] | drv_helper+0x8 [drv] | _stext+0x10\n"
			 "member_send+0xd [member] | drv_helper+0x8 [drv]\n"
			 "drv_probe+0x15 [drv] | member_alloc+0x10 [member]\n");
	sb_free(&text);
	decoder_free(&dec);
	family_free(&f);
}

static void collect_keys(struct decoder *dec, const struct event *ev, void *data)
{
	struct frames frames;

	(void)dec;
	if (!event_is_finding(ev))
		return;
	event_frames(ev, &frames);
	frames_join(&frames, true, data);
	sb_puts(data, "\n");
	frames_free(&frames);
}

/*
 * A family's group keys (and a campaign's journal stacks) name the frames of
 * every module of the family, whichever module's site the finding is at: a
 * member's finding called from the driver, a driver's called from a member.
 * A suppression written from such a key leaves the finding out.
 */
Test(state, a_familys_keys_name_all_its_modules)
{
	static struct family f;
	struct strbuf keys = { 0 };
	struct suppressions supp = { 0 };
	struct report rep = { .json = false, .supp = &supp };
	struct decoder dec;
	size_t n;

	family_setup(&f);
	n = family_log(&f);
	decoder_init(&dec, &f.cat, &f.rt, true);
	decode_stream(&dec, f.frames, n, collect_keys, &keys);
	cr_expect_str_eq(keys.s,
			 "drv_probe+0x15 [drv] > drv_helper+0x8 [drv] > _stext+0x10\n"
			 "member_send+0xd [member] > drv_helper+0x8 [drv]\n"
			 "drv_probe+0x15 [drv] > member_alloc+0x10 [member]\n");
	decoder_free(&dec);
	/* The second and third keys as patterns (brackets quoted: ddv(8) SUPPRESSIONS). */
	cr_assert_eq(suppressions_add(&supp, "heap.double-free@member_send+0xd \\[member\\] > "
					     "drv_helper+0x8 \\[drv\\]"), 0);
	cr_assert_eq(suppressions_add(&supp, "heap.double-free@drv_probe+0x15 \\[drv\\] > "
					     "member_alloc+0x10 \\[member\\]"), 0);
	decoder_init(&dec, &f.cat, &f.rt, true);
	decode_stream(&dec, f.frames, n, report_event, &rep);
	report_summary(&rep, &dec);
	cr_expect_eq(rep.findings, 1, "%s", rep.out.s);
	cr_expect_eq(rep.suppressed, 2, "%s", rep.out.s);
	cr_expect_eq(supp.v[0].hits, 1);
	cr_expect_eq(supp.v[1].hits, 1);
	cr_expect(strstr(rep.out.s, "drv_helper+0x8 [drv]"), "%s", rep.out.s);
	sb_free(&rep.out);
	sb_free(&keys);
	suppressions_free(&supp);
	decoder_free(&dec);
	family_free(&f);
}
