/* test_decode.c: log records to text, JSON and findings; garbage gives a diagnostic, no crash. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <ddv/logrec.h>
#include <ddv/runtime_msgs.h>
#include "logring.h"

#include "util.h"
#include "module.h"
#include "catalog.h"
#include "runtime.h"
#include "decode.h"
#include "heap_catalog.h"

enum rt_msg {
#define DDV_RT_MSG(name, rule, sev, text, nargs, ...) RT_##name,
#include <ddv/runtime_msgs.h>
#undef DDV_RT_MSG
};

static const char catalog_text[] =
	HEAP_CATALOG_LINES
	"msg 4 heap.quote warning specs/linux/heap.ddv:60:2 args=- a \"quoted\"\\ \ttab\n"
	"msg 5 heap.hex warning specs/linux/heap.ddv:61:2 args=h,n handle {h:x} of {n} {h}\n";

struct fixture {
	struct catalog cat;
	struct rt_tables rt;
	struct decoder dec;
	struct logring ring;
	unsigned char mem[1 << 14];
	unsigned char frames[1 << 15];
	size_t nframes;
	u64 ts;
};

static struct fixture fx;

static void setup(void)
{
	struct site_table t = { 0 };

	memset(&fx, 0, sizeof(fx));
	/* Stacks are named from a kallsyms of the test's own, not the host's. */
	setenv("DDV_KALLSYMS", SRCDIR "/tests/cli/data/kallsyms", 1);
	catalog_init(&fx.cat);
	cr_assert_eq(catalog_parse(&fx.cat, catalog_text, "linux.msgs"), 0);
	rt_tables_parse(&fx.rt, "1 linux 1.0\n", "0 linux kmalloc_trace kmalloc\n1 linux kfree kfree\n");
	decoder_init(&fx.dec, &fx.cat, &fx.rt, false);
	t.module = xstrdup("e1000");
	t.nsites = t.cap = 2;
	t.sites = xcalloc(2, sizeof(*t.sites));
	t.sites[0] = (struct site){ .func = xstrdup("e1000_probe"), .func_offset = 0x3ba,
				    .symbol = xstrdup("kmalloc_trace"), .section = xstrdup(".text"),
				    .opcode = 0xe8 };
	t.sites[1] = (struct site){ .func = xstrdup("e1000_set_rx_mode"), .func_offset = 0x226,
				    .symbol = xstrdup("kfree"), .section = xstrdup(".text"),
				    .opcode = 0xe9 };
	cr_assert_eq(decoder_set_sites(&fx.dec, 1, &t), 0);
	cr_assert_eq(logring_init(&fx.ring, fx.mem, sizeof(fx.mem), 0), 0);
	fx.ts = 5000000000ULL;
}

static void teardown(void)
{
	decoder_free(&fx.dec);
	rt_tables_free(&fx.rt);
	catalog_free(&fx.cat);
}

static void log_rec(unsigned int pack, unsigned int index, unsigned int nargs, const u64 *args)
{
	fx.ts += 1500;
	cr_assert(logring_write(&fx.ring, fx.ts, DDV_MSG_ID(pack, index), nargs, args));
}

/* The ddv.at record the runtime writes after a pack's record: driver, site, function. */
static void log_at(u64 dut, u64 site, u64 func)
{
	u64 args[3] = { dut, site, func };

	log_rec(0, RT_AT, 3, args);
}

static void drain(void)
{
	fx.nframes += logring_drain(&fx.ring, fx.frames + fx.nframes, sizeof(fx.frames) - fx.nframes);
}

struct collected {
	struct strbuf text;
	struct strbuf json;
	unsigned int events;
	unsigned int findings;
};

static void collect(struct decoder *dec, const struct event *ev, void *data)
{
	struct collected *c = data;

	c->events++;
	c->findings += event_is_finding(ev);
	event_text(dec, ev, &c->text);
	event_json(dec, ev, &c->json);
}

/* A small JSON reader: checks the syntax of one value, and finds a top-level key's string. */
static const char *json_value(const char *p);

static const char *json_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static const char *json_string(const char *p)
{
	if (*p++ != '"')
		return NULL;
	while (*p && *p != '"') {
		if ((unsigned char)*p < 0x20)
			return NULL;
		if (*p == '\\') {
			p++;
			if (*p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!isxdigit((unsigned char)p[i]))
						return NULL;
				p += 4;
			} else if (!strchr("\"\\/bfnrt", *p)) {
				return NULL;
			}
		}
		p++;
	}
	return *p == '"' ? p + 1 : NULL;
}

static const char *json_value(const char *p)
{
	p = json_ws(p);
	if (*p == '{' || *p == '[') {
		char close = *p == '{' ? '}' : ']';
		bool object = *p == '{';

		p = json_ws(p + 1);
		if (*p == close)
			return p + 1;
		for (;;) {
			if (object) {
				p = json_string(json_ws(p));
				if (!p || *(p = json_ws(p)) != ':')
					return NULL;
				p++;
			}
			p = json_value(p);
			if (!p)
				return NULL;
			p = json_ws(p);
			if (*p == close)
				return p + 1;
			if (*p++ != ',')
				return NULL;
		}
	}
	if (*p == '"')
		return json_string(p);
	if (*p == '-' || isdigit((unsigned char)*p)) {
		p += *p == '-';
		while (isdigit((unsigned char)*p))
			p++;
		return p;
	}
	if (!strncmp(p, "true", 4) || !strncmp(p, "null", 4))
		return p + 4;
	if (!strncmp(p, "false", 5))
		return p + 5;
	return NULL;
}

/* Every line is one complete JSON object. */
static unsigned int check_json_lines(const char *text)
{
	unsigned int n = 0;

	while (text && *text) {
		const char *end = json_value(text);

		cr_assert_not_null(end, "bad JSON at: %.80s", text);
		cr_assert_eq(*end, '\n', "not one object per line at: %.80s", end);
		text = end + 1;
		n++;
	}
	return n;
}

TestSuite(decode, .init = setup, .fini = teardown);

Test(decode, violation_with_site)
{
	struct collected c = { 0 };
	u64 args[1] = { 0xffff888004a3c000ULL };
	u64 stack[6] = { 0xffffffffc0123456ULL, 0xffffffff81000000ULL, 0, 0, 0, 0 };

	log_rec(1, 1, 1, args);
	log_at(1, 1, 1);
	log_rec(0, RT_STACK, 6, stack);
	drain();
	cr_assert_eq(decode_stream(&fx.dec, fx.frames, fx.nframes, collect, &c), 0);
	cr_expect_eq(c.events, 1);
	cr_expect_eq(c.findings, 1);
	cr_expect(strstr(c.text.s, "error heap.double-free: double free of 0xffff888004a3c000"),
		  "%s", c.text.s);
	cr_expect(strstr(c.text.s, "[e1000: e1000_set_rx_mode+0x226, jmp kfree]"), "%s", c.text.s);
	cr_expect(strstr(c.text.s, "(specs/linux/heap.ddv:52:5)"), "%s", c.text.s);
	cr_expect(strstr(c.text.s, "[     5.000001] cpu0"), "%s", c.text.s);
	cr_expect_eq(check_json_lines(c.json.s), 1);
	cr_expect(strstr(c.json.s, "\"rule\":\"heap.double-free\""), "%s", c.json.s);
	cr_expect(strstr(c.json.s, "\"site\":{\"function\":\"e1000_set_rx_mode\",\"offset\":550,"
				   "\"kind\":\"jmp\""), "%s", c.json.s);
	cr_expect(strstr(c.json.s, "\"driver\":\"e1000\""), "%s", c.json.s);
	cr_expect(strstr(c.json.s, "\"api\":\"kfree\""), "%s", c.json.s);
	cr_expect(strstr(c.json.s, "\"p\":\"0xffff888004a3c000\""), "%s", c.json.s);
	cr_expect(strstr(c.json.s, "\"spec\":\"specs/linux/heap.ddv:52:5\""), "%s", c.json.s);
	cr_expect(strstr(c.json.s, "\"stack\":[\"0xffffffffc0123456\",\"0xffffffff81000000\"]"),
		  "%s", c.json.s);
	cr_expect(strstr(c.text.s, "    #1 0xffffffff81000000 \n"), "%s", c.text.s);
	cr_expect(strstr(c.text.s, "    #0 0xffffffffc0123456 e1000_remove+0x56 [e1000]\n"), "%s",
		  c.text.s);
	cr_expect(strstr(c.json.s, "\"stack_symbols\":[\"e1000_remove+0x56 [e1000]\",null]"), "%s",
		  c.json.s);
	sb_free(&c.text);
	sb_free(&c.json);
}

Test(decode, leak_names_allocation_site)
{
	struct collected c = { 0 };
	u64 args[2] = { 0xffff888004a3d000ULL, 4096 };

	log_rec(1, 2, 2, args);
	log_at(1, 0, 0);
	drain();
	decode_stream(&fx.dec, fx.frames, fx.nframes, collect, &c);
	cr_expect(strstr(c.text.s, "leaked 4096 bytes at 0xffff888004a3d000 [e1000: e1000_probe+0x3ba, call kmalloc]"),
		  "%s", c.text.s);
	cr_expect(strstr(c.json.s, "\"allocation_site\":{\"function\":\"e1000_probe\",\"offset\":954"),
		  "%s", c.json.s);
	cr_expect(strstr(c.json.s, "\"symbol\":\"kmalloc_trace\""), "%s", c.json.s);
	check_json_lines(c.json.s);
	sb_free(&c.text);
	sb_free(&c.json);
}

Test(decode, runtime_messages)
{
	struct collected c = { 0 };
	u64 armed[2] = { 1, 2 };
	u64 fault[4] = { 0, 0, 0, 2 };
	u64 refused[4] = { 1, 1, 5, 0xffffffff81234567ULL };

	log_rec(0, RT_DRIVER_ARMED, 2, armed);
	log_rec(0, RT_FAULT_INJECTED, 4, fault);
	log_at(1, 0, 0);
	log_rec(0, RT_SITE_REFUSED, 4, refused);
	drain();
	decode_stream(&fx.dec, fx.frames, fx.nframes, collect, &c);
	cr_expect_eq(c.events, 3);
	cr_expect_eq(c.findings, 1);	/* the refused site is a warning; the rest are notes */
	cr_expect(strstr(c.text.s, "note ddv.driver-armed: armed for driver e1000: 2 call sites"),
		  "%s", c.text.s);
	cr_expect(strstr(c.text.s, "fault injected into kmalloc at site e1000_probe+0x3ba: returns 0 (reason nth-call"),
		  "%s", c.text.s);
	cr_expect(strstr(c.text.s, "call site e1000_set_rx_mode+0x226 of driver e1000 left alone: "
				   "the instruction does not call the symbol (found 0xffffffff81234567)"),
		  "%s", c.text.s);
	cr_expect_eq(check_json_lines(c.json.s), 3);
	sb_free(&c.text);
	sb_free(&c.json);
}

Test(decode, placeholder_in_hex)
{
	struct collected c = { 0 };
	u64 args[2] = { 0xfff000, 4096 };

	log_rec(1, 5, 2, args);
	drain();
	decode_stream(&fx.dec, fx.frames, fx.nframes, collect, &c);
	cr_expect(strstr(c.text.s, "handle 0xfff000 of 4096 16773120"), "%s", c.text.s);
	sb_free(&c.text);
	sb_free(&c.json);
}

Test(decode, unknown_messages_and_escapes)
{
	struct collected c = { 0 };
	u64 args[2] = { 7, 8 };

	log_rec(1, 99, 2, args);	/* no such message */
	log_rec(9, 1, 0, NULL);		/* no such pack */
	log_rec(1, 4, 0, NULL);		/* text with quotes and a tab */
	drain();
	decode_stream(&fx.dec, fx.frames, fx.nframes, collect, &c);
	cr_expect_eq(c.events, 3);
	cr_expect_eq(fx.dec.unknown, 2);
	cr_expect(strstr(c.text.s, "unknown message 99 of pack linux (0x7, 0x8)"), "%s", c.text.s);
	cr_expect(strstr(c.json.s, "a \\\"quoted\\\"\\\\ \\ttab"), "%s", c.json.s);
	cr_expect_eq(check_json_lines(c.json.s), 3);
	sb_free(&c.text);
	sb_free(&c.json);
}

/* A full ring loses records: the loss is a finding, never silent. */
Test(decode, drops_are_reported)
{
	struct collected c = { 0 };
	struct report rep = { .json = false };
	u64 args[1] = { 64 };
	unsigned int written = 0;

	for (int i = 0; i < 10000; i++) {
		fx.ts += 10;
		written += logring_write(&fx.ring, fx.ts, DDV_MSG_ID(1, 3), 1, args);
	}
	cr_assert_lt(written, 10000);
	drain();
	decode_stream(&fx.dec, fx.frames, fx.nframes, collect, &c);
	cr_expect_eq(fx.dec.dropped, 10000 - written);
	cr_expect(strstr(c.text.s, "ddv.log-lost"), "no loss shown");

	decode_stream(&fx.dec, fx.frames, fx.nframes, report_event, &rep);
	report_summary(&rep, &fx.dec);
	cr_expect_eq(rep.findings, 1);
	cr_expect(strstr(rep.out.s, "log records LOST"), "%s", rep.out.s);
	sb_free(&rep.out);
	sb_free(&c.text);
	sb_free(&c.json);
}

Test(decode, garbage_input)
{
	unsigned char junk[8192];
	struct collected c = { 0 };
	u64 args[1] = { 0x1234 };

	cr_redirect_stderr();
	srand(7);
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = rand();
	/* A real frame in the middle of garbage is still found. */
	log_rec(1, 1, 1, args);
	drain();
	memcpy(junk + 4000, fx.frames, fx.nframes);
	cr_expect_eq(decode_stream(&fx.dec, junk, sizeof(junk), collect, &c), -EPROTO);
	cr_expect_gt(fx.dec.garbage, 0);
	cr_expect(strstr(c.text.s ? c.text.s : "", "double free of 4660"), "frame lost in garbage");
	/* Cut short, empty, all 0xD5: diagnostics only. */
	decode_stream(&fx.dec, fx.frames, fx.nframes - 1, collect, &c);
	decode_stream(&fx.dec, fx.frames, 0, collect, &c);
	memset(junk, 0xd5, sizeof(junk));
	decode_stream(&fx.dec, junk, sizeof(junk), collect, &c);
	check_json_lines(c.json.s);
	sb_free(&c.text);
	sb_free(&c.json);
}

Test(decode, report_json_and_summary)
{
	struct report rep = { .json = true };
	u64 leak[2] = { 0xffff888004a3d000ULL, 64 };
	u64 trace[1] = { 64 };

	log_rec(1, 3, 1, trace);	/* a note: not a finding */
	log_rec(1, 2, 2, leak);
	log_at(1, 0, 0);
	drain();
	decode_stream(&fx.dec, fx.frames, fx.nframes, report_event, &rep);
	report_cli_findings(&rep, "e1000\tload hangs\t{\"rule\":\"ddv.hang\",\"driver\":\"e1000\"}\n");
	report_summary(&rep, &fx.dec);
	cr_expect_eq(rep.findings, 2);
	cr_expect_eq(check_json_lines(rep.out.s), 3);
	cr_expect(strstr(rep.out.s, "{\"version\":1,\"summary\":{\"findings\":2,\"errors\":2,\"warnings\":0,"),
		  "%s", rep.out.s);
	sb_free(&rep.out);
}

/* The runtime's own ddv.hang record makes the command's watchdog finding redundant. */
Test(decode, hang_reported_once)
{
	struct report rep = { .json = false };
	u64 hang[4] = { 1, 20, 0, 0 };

	log_rec(0, RT_HANG, 4, hang);
	drain();
	decode_stream(&fx.dec, fx.frames, fx.nframes, report_event, &rep);
	report_cli_findings(&rep, "e1000\terror ddv.hang: watchdog\t{\"rule\":\"ddv.hang\"}\n"
				  "other\terror ddv.hang: other watchdog\t{\"rule\":\"ddv.hang\"}\n");
	report_summary(&rep, &fx.dec);
	cr_expect_eq(rep.findings, 2, "%s", rep.out.s);
	cr_expect(strstr(rep.out.s, "driver e1000 has been loading for 20 s; last fault injected into kmalloc at site e1000_probe+0x3ba"),
		  "%s", rep.out.s);
	cr_expect(!strstr(rep.out.s, "error ddv.hang: watchdog"), "%s", rep.out.s);
	cr_expect(strstr(rep.out.s, "error ddv.hang: other watchdog"), "%s", rep.out.s);
	sb_free(&rep.out);
	free(rep.hang_seen);
}

/* Text reports group a rule's findings at one site; JSON lists each. */
Test(decode, text_report_groups_by_site)
{
	struct report text = { .json = false }, json = { .json = true };
	u64 leak[2] = { 0xffff888004a3d000ULL, 64 };

	for (int i = 0; i < 3; i++) {
		leak[0] += 64;
		log_rec(1, 2, 2, leak);
		log_at(1, 0, 0);
	}
	log_rec(1, 2, 2, leak);
	log_at(1, 1, 1);
	drain();
	decode_stream(&fx.dec, fx.frames, fx.nframes, report_event, &text);
	report_summary(&text, &fx.dec);
	decode_stream(&fx.dec, fx.frames, fx.nframes, report_event, &json);
	report_summary(&json, &fx.dec);
	cr_expect(strstr(text.out.s, "leaked 64 bytes at 0xffff888004a3d040 [e1000: e1000_probe+0x3ba, "
				     "call kmalloc] (specs/linux/heap.ddv:31:9) [3 times]\n"), "%s", text.out.s);
	cr_expect(strstr(text.out.s, "[e1000: e1000_set_rx_mode+0x226, jmp kfree] (specs/linux/heap.ddv:31:9)\n"),
		  "%s", text.out.s);
	cr_expect(strstr(text.out.s, "\n4 findings (4 errors, 0 warnings)"), "%s", text.out.s);
	cr_expect_eq(check_json_lines(json.out.s), 5);
	sb_free(&text.out);
	sb_free(&json.out);
}

/* A module address far past its last symbol is a gone module's: left numeric, not misnamed. */
Test(decode, ksym_gone_module_left_numeric)
{
	struct strbuf sb = { 0 };

	setenv("DDV_KALLSYMS", SRCDIR "/tests/cli/data/kallsyms", 1);
	cr_expect(ksym_name(0xffffffffc0123510ull, &sb));
	cr_expect_str_eq(sb.s, "e1000_probe+0x10 [e1000]");
	sb.len = 0;
	cr_expect_not(ksym_name(0xffffffffc0123500ull + 0x23389, &sb));
	/* The core kernel's functions can be large: up to 1 MiB past a symbol is named. */
	cr_expect(ksym_name(0xffffffff80000000ull + 0x23389, &sb));
	sb_free(&sb);
}

/* ---- suppressions by rule and stack pattern; groups by stack ---- */

static struct frames frames_of(unsigned int n, const char *const *names)
{
	struct frames f = { 0 };

	for (unsigned int i = 0; i < n; i++) {
		f.name[i] = xstrdup(names[i]);
		f.known[i] = names[i][0] != '0';
	}
	f.n = n;
	return f;
}

Test(decode, suppression_patterns_parse)
{
	struct suppression s;
	char *bad;

	cr_assert_null(suppression_parse(" heap.leak ", &s, &bad));
	cr_expect_str_eq(s.rule, "heap.leak");
	cr_expect_eq(s.nframes, 0);
	cr_expect_str_eq(s.text, "heap.leak");
	suppression_free(&s);
	cr_assert_null(suppression_parse("heap.*@kfree* > e1000_remove+0x5? >_stext*", &s, &bad));
	cr_expect_str_eq(s.rule, "heap.*");
	cr_assert_eq(s.nframes, 3);
	cr_expect_str_eq(s.frames[0], "kfree*");
	cr_expect_str_eq(s.frames[1], "e1000_remove+0x5?");
	cr_expect_str_eq(s.frames[2], "_stext*");
	suppression_free(&s);
	cr_assert_null(suppression_parse("x@*\\[e1000]", &s, &bad));
	suppression_free(&s);
	cr_expect_str_eq(suppression_parse("", &s, &bad), "empty pattern");
	cr_expect_str_eq(suppression_parse("@x", &s, &bad),
			 "no rule id before '@' (write * for any rule)");
	cr_expect_str_eq(suppression_parse("r@", &s, &bad),
			 "nothing after '@' (a site or frame glob, or FRAME>FRAME...)");
	cr_expect_str_eq(suppression_parse("r@a>", &s, &bad), "an empty frame pattern around '>'");
	cr_expect_str_eq(suppression_parse("r@>a", &s, &bad), "an empty frame pattern around '>'");
	cr_expect_str_eq(suppression_parse("r>a", &s, &bad),
			 "'>' before '@': the stack comes after the rule (RULE@FRAME>FRAME)");
	cr_expect_str_eq(suppression_parse("r@a@b", &s, &bad),
			 "a second '@' (one rule, then one stack pattern)");
	cr_expect_str_eq(suppression_parse("r[a@x", &s, &bad), "a '[' without its ']'");
	cr_expect_str_eq(bad, "r[a");
	free(bad);
}

/* The site is the innermost frame; a pattern's frames match in order, innermost first. */
Test(decode, suppression_matching)
{
	static const char *const names[] = { "e1000_remove+0x56 [e1000]", "0xffffffffc0200000",
					     "pci_device_remove+0x3e", "_stext+0x10" };
	struct frames f = frames_of(4, names);
	struct suppressions s = { 0 };

	cr_assert_eq(suppressions_add(&s, "heap.leak"), 0);
	cr_assert_eq(suppressions_add(&s, "heap.double-free@pci_device_remove*>e1000_remove*"), 0);
	cr_assert_eq(suppressions_add(&s, "heap.double-free@e1000_set_rx_mode+0x226>_stext*"), 0);
	cr_assert_eq(suppressions_add(&s, "dma.*@e1000_remove+0x56"), 0);
	cr_assert_eq(suppressions_add(&s, "timer.*@e1000_remove+0x56 \\[e1000]"), 0);
	cr_assert_eq(suppressions_add(&s, "irq.*@e1000_remove*>0xffffffffc02*>pci_*>_stext*"), 0);
	cr_assert_eq(suppressions_add(&s, "irq.*@_stext*>e1000_remove*"), 0);

	/* Rule alone: any site, any stack; a rule glob that does not match: nothing. */
	cr_expect_eq(suppressions_match(&s, "heap.leak", "-", NULL), &s.v[0]);
	cr_expect_null(suppressions_match(&s, "heap.leaks", "-", &f));
	/* Outer frame before inner one: the wrong order, no match. */
	cr_expect_null(suppressions_match(&s, "heap.double-free", "e1000_remove+0x51", &f));
	/* The site, then a frame further out. */
	cr_expect_eq(suppressions_match(&s, "heap.double-free", "e1000_set_rx_mode+0x226", &f),
		     &s.v[2]);
	/* A frame's name matches without its module, and with it when the glob says it. */
	cr_expect_eq(suppressions_match(&s, "dma.unmap", "x+0x1", &f), &s.v[3]);
	cr_expect_eq(suppressions_match(&s, "timer.leak", "x+0x1", &f), &s.v[4]);
	/* Every frame of the path, a numeric one too. */
	cr_expect_eq(suppressions_match(&s, "irq.leak", "x+0x1", &f), &s.v[5]);
	cr_expect_null(suppressions_match(&s, "irq.leak", "x+0x1", NULL));
	cr_expect_eq(s.v[0].hits, 1);
	cr_expect_eq(s.v[1].hits, 0);
	cr_expect_eq(s.v[2].hits, 1);
	cr_expect_eq(s.v[6].hits, 0);
	frames_free(&f);
	suppressions_free(&s);
}

/* A file's bad lines are told as FILE:LINE: error:, and none of its patterns is kept. */
Test(decode, suppression_file_errors, .init = cr_redirect_stderr)
{
	static const char good[] = "# known\n\nheap.leak@e1000_probe+*  # the probe's\n"
				   "  heap.double-free@kfree*>e1000_remove*\r\n";
	static const char bad[] = "heap.leak\nheap.leak@\n# fine\nx>y\n";
	struct suppressions s = { 0 };

	cr_assert_eq(suppressions_add_text(&s, good, strlen(good), "supp"), 0);
	cr_assert_eq(s.n, 2);
	cr_expect_str_eq(s.v[0].text, "heap.leak@e1000_probe+*");
	cr_expect_str_eq(s.v[0].origin, "supp:3");
	cr_expect_str_eq(s.v[1].origin, "supp:4");
	cr_expect_eq(s.v[1].nframes, 2);
	cr_assert_eq(suppressions_add_text(&s, bad, strlen(bad), "bad"), -1);
	cr_expect_eq(s.n, 2);
	suppressions_free(&s);
	fflush(stderr);
	cr_expect_stderr_eq_str("bad:2: error: nothing after '@' (a site or frame glob, or "
				"FRAME>FRAME...)\n"
				"bad:4: error: '>' before '@': the stack comes after the rule "
				"(RULE@FRAME>FRAME)\n"
				"ddv: bad: 2 bad suppressions: none of the file's is used\n");
}

/* One double free from three stacks: two the same (one group, counted), one elsewhere. */
static void log_double_frees(void)
{
	u64 args[1] = { 0xffff888004a3c000ULL };
	u64 from_remove[6] = { 0xffffffffc0123456ULL, 0xffffffff80000010ULL, 0, 0, 0, 0 };
	u64 from_probe[6] = { 0xffffffffc0123510ULL, 0xffffffff80000010ULL, 0, 0, 0, 0 };

	for (int i = 0; i < 3; i++) {
		log_rec(1, 1, 1, args);
		log_at(1, 1, 1);
		log_rec(0, RT_STACK, 6, i == 1 ? from_probe : from_remove);
	}
	drain();
}

Test(decode, report_groups_by_stack)
{
	struct report text = { .json = false }, json = { .json = true };
	const char *second;

	log_double_frees();
	decode_stream(&fx.dec, fx.frames, fx.nframes, report_event, &text);
	report_summary(&text, &fx.dec);
	decode_stream(&fx.dec, fx.frames, fx.nframes, report_event, &json);
	report_summary(&json, &fx.dec);
	/* The text shows each group once: the remove path twice, the probe path once. */
	cr_expect(strstr(text.out.s, "jmp kfree] (specs/linux/heap.ddv:52:5) [2 times]\n"
				     "    #0 0xffffffffc0123456 e1000_remove+0x56 [e1000]\n"),
		  "%s", text.out.s);
	second = strstr(text.out.s, "#0 0xffffffffc0123510 e1000_probe+0x10 [e1000]\n");
	cr_expect(second, "%s", text.out.s);
	cr_expect(strstr(text.out.s, "\n3 findings (3 errors, 0 warnings), 0 faults injected, "
				     "2 distinct\n"), "%s", text.out.s);
	/* JSON: every finding, each with its group and the group's count. */
	cr_expect_eq(check_json_lines(json.out.s), 4);
	cr_expect(strstr(json.out.s, "\"stack_symbols\":[\"e1000_remove+0x56 [e1000]\","
				     "\"_stext+0x10\"],\"args\":{\"p\":\"0xffff888004a3c000\"},"
				     "\"group\":1,\"count\":2}\n"), "%s", json.out.s);
	cr_expect(strstr(json.out.s, "\"group\":2,\"count\":1}\n"), "%s", json.out.s);
	cr_expect(strstr(json.out.s, "\"unknown_messages\":0,\"groups\":2,\"suppressed\":0}}\n"),
		  "%s", json.out.s);
	sb_free(&text.out);
	sb_free(&json.out);
}

Test(decode, report_suppresses_by_stack)
{
	struct suppressions s = { 0 };
	struct report rep = { .json = false, .supp = &s };

	log_double_frees();
	/* Wrong order (the probe frame is the innermost): suppresses nothing. */
	cr_assert_eq(suppressions_add(&s, "heap.double-free@_stext*>e1000_probe*"), 0);
	cr_assert_eq(suppressions_add(&s, "heap.double-free@e1000_probe*>_stext*"), 0);
	decode_stream(&fx.dec, fx.frames, fx.nframes, report_event, &rep);
	report_summary(&rep, &fx.dec);
	cr_expect_null(strstr(rep.out.s, "e1000_probe+0x10"), "%s", rep.out.s);
	cr_expect(strstr(rep.out.s, "e1000_remove+0x56 [e1000]"), "%s", rep.out.s);
	cr_expect(strstr(rep.out.s, "\nsuppressed 1 by heap.double-free@e1000_probe*>_stext*\n"
				    "2 findings (2 errors, 0 warnings), 0 faults injected, 1 distinct, "
				    "1 suppressed\n"), "%s", rep.out.s);
	cr_expect_eq(s.v[0].hits, 0);
	sb_free(&rep.out);
	suppressions_free(&s);
}

/* Frame 0 of a call site is the return address right after the call: named by the site when kallsyms cannot. */
static void frames_collect(struct decoder *dec, const struct event *ev, void *data)
{
	struct strbuf *sb = data;
	struct frames f;

	(void)dec;
	event_frames(ev, &f);
	frames_join(&f, true, sb);
	sb_puts(sb, "|");
	frames_join(&f, false, sb);
	frames_free(&f);
}

Test(decode, frame_zero_named_by_its_call_site)
{
	struct strbuf sb = { 0 };
	u64 args[2] = { 64, 0 };
	u64 stack[6] = { 0xffffffffc0300000ULL, 0xffffffffc0310000ULL, 0xffffffff80000010ULL,
			 0, 0, 0 };

	log_rec(1, 1, 1, args);
	log_at(1, 0, 0);
	log_rec(0, RT_STACK, 6, stack);
	drain();
	decode_stream(&fx.dec, fx.frames, fx.nframes, frames_collect, &sb);
	cr_expect_str_eq(sb.s, "e1000_probe+0x3bf [e1000] > ? > _stext+0x10|"
			       "e1000_probe+0x3bf [e1000] > 0xffffffffc0310000 > _stext+0x10");
	sb_free(&sb);
}

/*
 * A gone driver's text may lie right past another module's last symbol: a
 * frame named in another module is "?" in the key; frame 0 in ddv itself (the
 * driver's frame was not found) stays ddv's.
 */
Test(decode, frames_of_other_modules_not_keyed)
{
	struct strbuf sb = { 0 };
	u64 args[2] = { 64, 0 };
	u64 past_pack[6] = { 0xffffffffc0400100ULL, 0xffffffffc0400200ULL, 0xffffffff80000010ULL,
			     0, 0, 0 };
	u64 in_ddv[6] = { 0xffffffffc0500010ULL, 0xffffffffc0123520ULL, 0, 0, 0, 0 };

	log_rec(1, 1, 1, args);
	log_at(1, 0, 0);
	log_rec(0, RT_STACK, 6, past_pack);
	log_rec(1, 1, 1, args);
	log_at(1, 0, 0);
	log_rec(0, RT_STACK, 6, in_ddv);
	drain();
	decode_stream(&fx.dec, fx.frames, fx.nframes, frames_collect, &sb);
	cr_expect_str_eq(sb.s, "e1000_probe+0x3bf [e1000] > ? > _stext+0x10|"
			       "e1000_probe+0x3bf [e1000] > ddv_linux_wrap_kfree+0x200 [ddv_linux] > "
			       "_stext+0x10"
			       "? > e1000_probe+0x20 [e1000]|"
			       "driver_stack+0x10 [ddv] > e1000_probe+0x20 [e1000]");
	sb_free(&sb);
}

struct order_check {
	u64 last_ts;
	unsigned int events;
	unsigned int out_of_order;
};

static void check_order(struct decoder *dec, const struct event *ev, void *data)
{
	struct order_check *o = data;

	(void)dec;
	o->out_of_order += ev->ts < o->last_ts;
	o->last_ts = ev->ts;
	o->events++;
}

/*
 * More records than decode.c sorts at once (1 << 20), two CPUs' rings
 * interleaved in time and drained in bursts, CPU 1's ring first each time
 * (a read takes the rings in turn): every record comes out, in time order.
 */
Test(decode, long_two_cpu_log_in_time_order)
{
	enum { BURST = 50000, BURSTS = 12 };
	static unsigned char mem0[1 << 20], mem1[1 << 20];
	static unsigned char out[1 << 24];
	struct logring ring0, ring1;
	struct order_check o = { 0 };
	u64 args[4] = { 1, 3, 0, 0 };
	u64 ts = 1000;
	size_t n = 0;

	cr_assert_eq(logring_init(&ring0, mem0, sizeof(mem0), 0), 0);
	cr_assert_eq(logring_init(&ring1, mem1, sizeof(mem1), 1), 0);
	for (unsigned int b = 0; b < BURSTS; b++) {
		for (unsigned int i = 0; i < BURST; i++, ts += 20) {
			cr_assert(logring_write(&ring0, ts, DDV_MSG_ID(0, RT_HANG), 4, args));
			cr_assert(logring_write(&ring1, ts + 10, DDV_MSG_ID(0, RT_HANG), 4, args));
		}
		n += logring_drain(&ring1, out + n, sizeof(out) - n);
		n += logring_drain(&ring0, out + n, sizeof(out) - n);
	}
	cr_assert_eq(decode_stream(&fx.dec, out, n, check_order, &o), 0);
	cr_expect_eq(o.events, 2 * BURST * BURSTS);
	cr_expect_eq(fx.dec.dropped, 0);
	cr_expect_eq(o.out_of_order, 0);
}
