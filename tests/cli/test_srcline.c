/*
 * test_srcline.c: source lines of a module's code from its DWARF (srcline.c),
 * on a relocatable object cc -g builds here: a call's line, the chain of an
 * inlined helper, a section other than .text; then a report's frames and
 * site named with them through the whole decode (modsyms.c, decode.c).
 */
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
#include "kernlog.h"

/* The lines the tests name are these: keep them where they are. */
static const char source[] =
	"extern void *ext_alloc(unsigned long n);\n"			/* 1 */
	"extern int ext_use(void *p);\n"				/* 2 */
	"static inline __attribute__((always_inline)) void *helper(unsigned long n)\n"
	"{\n"								/* 4 */
	"	return ext_alloc(n * 2);\n"				/* 5: inlined call */
	"}\n"
	"int entry(unsigned long n)\n"					/* 7 */
	"{\n"
	"	void *p = helper(n);\n"					/* 9: helper's call */
	"	return ext_use(p) + 1;\n"				/* 10 */
	"}\n"
	"__attribute__((section(\".init.text\"))) int init_entry(void)\n"
	"{\n"
	"	return ext_use((void *)0) + 2;\n"			/* 14: in .init.text */
	"}\n"
	"__attribute__((cold)) int cold_entry(void)\n"		/* 16: .text.unlikely */
	"{\n"
	"	return ext_use((void *)1) + 3;\n"			/* 18 */
	"}\n";

static char dir[] = "/tmp/ddv-srcline-XXXXXX";
static char *obj;

/* Builds srcfx.o (optimised, as modules are) and the module's call sites of ext_alloc and ext_use. */
static void build(struct site_table *t)
{
	char *src, *cmd;
	struct symset probed = { 0 };

	cr_assert_not_null(mkdtemp(dir));
	src = xasprintf("%s/srcfx.c", dir);
	obj = xasprintf("%s/srcfx.o", dir);
	cr_assert_eq(write_whole_file(src, source, strlen(source)), 0);
	/* Linked as kbuild links a module: ld -r, with a build id. */
	cmd = xasprintf("cc -g -O2 -fno-pic -mcmodel=kernel -c -o %s.tmp %s && "
			"ld -r --build-id=sha1 -o %s %s.tmp", obj, src, obj, obj);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	free(cmd);
	free(src);
	symset_add(&probed, "ext_alloc");
	symset_add(&probed, "ext_use");
	cr_assert_eq(relocs_read_file(obj, &probed, t), 0);
	symset_free(&probed);
	free(t->module);
	t->module = xstrdup("srcfx");
}

static void cleanup(void)
{
	char *cmd = xasprintf("rm -rf %s", dir);

	cr_expect_eq(system(cmd), 0);
	free(cmd);
	free(obj);
	srcline_reset();
	modsyms_reset();
}

static const struct site *site_of(const struct site_table *t, const char *func, const char *sym)
{
	for (size_t i = 0; i < t->nsites; i++)
		if (!strcmp(t->sites[i].func, func) && !strcmp(t->sites[i].symbol, sym))
			return &t->sites[i];
	cr_assert_fail("no site of %s in %s", sym, func);
	return NULL;
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), m = strlen(tail);

	return n >= m && !strcmp(s + n - m, tail);
}

Test(srcline, call_lines_and_inline_chain)
{
	struct site_table t;
	const struct site *s;
	struct srcloc loc;
	struct strbuf sb = { 0 };

	build(&t);
	/* The call in the inlined helper: its own line, then entry's line that calls the helper. */
	s = site_of(&t, "entry", "ext_alloc");
	cr_assert_str_eq(s->section, ".text");
	cr_assert(srcline_at("srcfx", obj, NULL, s->section, s->section_offset, &loc));
	cr_expect(ends_with(loc.file, "srcfx.c"), "%s", loc.file);
	cr_expect_eq(loc.line, 5);
	cr_expect_str_eq(loc.function, "helper");
	cr_assert_eq(loc.ninlined, 1);
	cr_expect_str_eq(loc.inlined[0].function, "entry");
	cr_expect(ends_with(loc.inlined[0].file, "srcfx.c"), "%s", loc.inlined[0].file);
	cr_expect_eq(loc.inlined[0].line, 9);
	srcloc_text(&loc, &sb);
	cr_expect(strstr(sb.s, "helper at ") && strstr(sb.s, "srcfx.c:5 inlined into entry at ") &&
		  ends_with(sb.s, "srcfx.c:9"), "%s", sb.s);
	sb_free(&sb);
	srcloc_free(&loc);

	/* A call of entry's own: no chain. */
	s = site_of(&t, "entry", "ext_use");
	cr_assert(srcline_at("srcfx", obj, NULL, s->section, s->section_offset, &loc));
	cr_expect_eq(loc.line, 10);
	cr_expect_str_eq(loc.function, "entry");
	cr_expect_eq(loc.ninlined, 0);
	srcloc_text(&loc, &sb);
	cr_expect(ends_with(sb.s, "srcfx.c:10") && !strstr(sb.s, " at "), "%s", sb.s);
	sb_free(&sb);
	srcloc_free(&loc);

	/* .init.text's offsets are its own, not .text's. */
	s = site_of(&t, "init_entry", "ext_use");
	cr_assert_str_eq(s->section, ".init.text");
	cr_assert(srcline_at("srcfx", obj, NULL, s->section, s->section_offset, &loc));
	cr_expect_eq(loc.line, 14);
	cr_expect_str_eq(loc.function, "init_entry");
	srcloc_free(&loc);

	/* A cold function's code, where .cold parts lie: .text.unlikely. */
	s = site_of(&t, "cold_entry", "ext_use");
	cr_assert_str_eq(s->section, ".text.unlikely");
	cr_assert(srcline_at("srcfx", obj, NULL, s->section, s->section_offset, &loc));
	cr_expect_eq(loc.line, 18);
	cr_expect_str_eq(loc.function, "cold_entry");
	srcloc_free(&loc);

	/* Past the section's end, or a section it does not have: nothing. */
	cr_expect_not(srcline_at("srcfx", obj, NULL, ".text", 1 << 20, &loc));
	cr_expect_not(srcline_at("srcfx", obj, NULL, ".exit.text", 0, &loc));
	site_table_free(&t);
	cleanup();
}

/* A module without DWARF (Debian's stripped e1000), or a file of another build: no source. */
Test(srcline, none_without_dwarf)
{
	struct site_table t;
	struct srcloc loc;

	cr_expect_not(srcline_at("e1000", SRCDIR "/tests/cli/data/e1000-6.1.0-56.ko", NULL,
				 ".text", 0x100, &loc));
	build(&t);
	cr_expect_not(srcline_at("srcfx2", obj, "00112233445566778899aabbccddeeff00112233",
				 ".text", t.sites[0].section_offset, &loc));
	/* Found by the module's name in $DDV_DEBUG_PATH when the recorded file is gone. */
	setenv("DDV_DEBUG_PATH", dir, 1);
	cr_expect(srcline_at("srcfx", "/nonexistent/srcfx.o", NULL, ".text",
			     site_of(&t, "entry", "ext_use")->section_offset, &loc));
	cr_expect_eq(loc.line, 10);
	srcloc_free(&loc);
	unsetenv("DDV_DEBUG_PATH");
	site_table_free(&t);
	cleanup();
}

/*
 * A separate debug file (objcopy --only-keep-debug: its code sections are
 * NOBITS) under DIR/.build-id/, the layout of /usr/lib/debug that Debian's
 * -dbg packages fill, found by the build id ddv load recorded.
 */
Test(srcline, separate_debug_file_by_build_id)
{
	struct site_table t;
	struct srcloc loc;
	bool compressed;
	void *image;
	size_t size;
	char *id, *debug, *cmd;

	build(&t);
	cr_assert_eq(modfile_read(obj, &image, &size, &compressed), 0);
	id = srcline_build_id(image, size);
	free(image);
	cr_assert_not_null(id);
	cr_assert_eq(strlen(id), 40);
	debug = xasprintf("%s/debug/.build-id/%.2s/%s.debug", dir, id, id + 2);
	cmd = xasprintf("mkdir -p %s/debug/.build-id/%.2s && objcopy --only-keep-debug %s %s && "
			"strip --strip-debug %s", dir, id, obj, debug, obj);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	free(cmd);
	/* The stripped module alone has no DWARF. */
	cr_expect_not(srcline_at("srcfx", obj, id, ".text",
				 site_of(&t, "entry", "ext_use")->section_offset, &loc));
	srcline_reset();
	cmd = xasprintf("%s/debug", dir);
	setenv("DDV_DEBUG_PATH", cmd, 1);
	free(cmd);
	cr_assert(srcline_at("srcfx", obj, id, ".text",
			     site_of(&t, "entry", "ext_alloc")->section_offset, &loc));
	cr_expect_eq(loc.line, 5);
	cr_expect_eq(loc.ninlined, 1);
	srcloc_free(&loc);
	cr_assert(srcline_at("srcfx", obj, id, ".init.text",
			     site_of(&t, "init_entry", "ext_use")->section_offset, &loc));
	cr_expect_eq(loc.line, 14);
	srcloc_free(&loc);
	unsetenv("DDV_DEBUG_PATH");
	free(debug);
	free(id);
	site_table_free(&t);
	cleanup();
}

/* ---- through the decoder: a report's site and frames ---- */

enum rt_msg {
#define DDV_RT_MSG(name, rule, sev, text, nargs, ...) RT_##name,
#include <ddv/runtime_msgs.h>
#undef DDV_RT_MSG
};

static const char catalog_text[] =
	"# ddv message catalog 1\n"
	"pack linux 1.0\n"
	"type 0 heap fields=size states=-\n"
	"func 0 ext_alloc ext_alloc specs/linux/heap.ddv:30:1 args=size ret=ptr\n"
	"func 1 ext_use ext_use specs/linux/heap.ddv:50:1 args=p ret=int\n"
	"msg 1 heap.double-free error specs/linux/heap.ddv:52:5 args=p double free of {p}\n";

struct collected {
	struct strbuf text, json;
};

static void collect(struct decoder *dec, const struct event *ev, void *data)
{
	struct collected *c = data;

	event_text(dec, ev, &c->text);
	event_json(dec, ev, &c->json);
}

static void decode_one(const struct site_table *t, uint32_t site, const uint64_t *stack,
		       struct collected *c)
{
	static unsigned char mem[1 << 14], frames[1 << 15];
	struct catalog cat;
	struct rt_tables rt = { 0 };
	struct decoder dec;
	struct logring ring;
	struct site_table copy = { 0 };
	u64 p = 0xffff888004a3c000ULL, at[3] = { 1, site, 1 };
	size_t n;

	catalog_init(&cat);
	cr_assert_eq(catalog_parse(&cat, catalog_text, "linux.msgs"), 0);
	rt_tables_parse(&rt, "1 linux 1.0\n", "0 linux ext_alloc ext_alloc\n1 linux ext_use ext_use\n");
	decoder_init(&dec, &cat, &rt, false);
	dec.sources = true;
	copy.module = xstrdup(t->module);
	copy.nsites = copy.cap = t->nsites;
	copy.sites = xcalloc(t->nsites, sizeof(*copy.sites));
	for (size_t i = 0; i < t->nsites; i++) {
		copy.sites[i] = t->sites[i];
		copy.sites[i].func = xstrdup(t->sites[i].func);
		copy.sites[i].symbol = xstrdup(t->sites[i].symbol);
		copy.sites[i].section = xstrdup(t->sites[i].section);
	}
	cr_assert_eq(decoder_set_sites(&dec, 1, &copy), 0);
	cr_assert_eq(logring_init(&ring, mem, sizeof(mem), 0), 0);
	cr_assert(logring_write(&ring, 5000000000ULL, DDV_MSG_ID(1, 1), 1, &p));
	cr_assert(logring_write(&ring, 5000001000ULL, DDV_MSG_ID(0, RT_AT), 3, at));
	cr_assert(logring_write(&ring, 5000002000ULL, DDV_MSG_ID(0, RT_STACK), 6, stack));
	n = logring_drain(&ring, frames, sizeof(frames));
	cr_assert_eq(decode_stream(&dec, frames, n, collect, c), 0);
	decoder_free(&dec);
	rt_tables_free(&rt);
	catalog_free(&cat);
}

Test(srcline, report_frames, .init = cr_redirect_stderr)
{
	struct site_table t;
	struct collected c = { 0 };
	const struct site *s;
	uint64_t base = 0xffffffffc0a00000ULL, stack[6] = { 0 };
	uint32_t id;
	bool compressed;
	void *image;
	size_t size;

	build(&t);
	setenv("DDV_STATE_DIR", dir, 1);
	setenv("DDV_KALLSYMS", SRCDIR "/tests/cli/data/kallsyms", 1);
	cr_assert_eq(modfile_read(obj, &image, &size, &compressed), 0);
	cr_assert_eq(modsyms_save(image, size, "srcfx", obj), 0);
	free(image);
	/* The runtime's stack: the inlined call's return address, then one past ext_use's call. */
	s = site_of(&t, "entry", "ext_alloc");
	id = s - t.sites;
	stack[0] = base + s->section_offset + 5;
	stack[1] = base + site_of(&t, "entry", "ext_use")->section_offset + 5;
	stack[2] = 0xffffffff80000010ULL;
	decode_one(&t, id, stack, &c);
	cr_expect(strstr(c.text.s, "    site: helper at "), "%s", c.text.s);
	cr_expect(strstr(c.text.s, "srcfx.c:5 inlined into entry at "), "%s", c.text.s);
	cr_expect(strstr(c.text.s, " [srcfx] helper at "), "%s", c.text.s);
	cr_expect(strstr(c.text.s, "srcfx.c:10\n    #2 0xffffffff80000010 _stext+0x10\n"), "%s",
		  c.text.s);
	cr_expect(strstr(c.json.s, "\"source\":{\"function\":\"helper\",\"file\":"), "%s", c.json.s);
	cr_expect(strstr(c.json.s, "\"line\":5,\"inlined\":[{\"function\":\"entry\",\"file\":"),
		  "%s", c.json.s);
	cr_expect(strstr(c.json.s, "\"line\":9}]}"), "%s", c.json.s);
	cr_expect(strstr(c.json.s, "\"stack_source\":[{\"function\":\"helper\""), "%s", c.json.s);
	cr_expect(strstr(c.json.s, "\"line\":10,\"inlined\":[]},null]"), "%s", c.json.s);
	sb_free(&c.text);
	sb_free(&c.json);

	/* A frame of the kernel's log, "func+0xoff [module]": a return address, or the RIP. */
	{
		struct srcloc loc;
		char *frame = xasprintf("entry+%#x [srcfx]",
					site_of(&t, "entry", "ext_use")->func_offset + 5);

		cr_assert(modsyms_frame_source(frame, false, &loc), "%s", frame);
		cr_expect_eq(loc.line, 10);
		srcloc_free(&loc);
		free(frame);
		frame = xasprintf("entry+%#x [srcfx]", site_of(&t, "entry", "ext_alloc")->func_offset);
		cr_assert(modsyms_frame_source(frame, true, &loc), "%s", frame);
		cr_expect_eq(loc.line, 5);
		cr_expect_eq(loc.ninlined, 1);
		srcloc_free(&loc);
		free(frame);
		cr_expect_not(modsyms_frame_source("nosuch+0x4 [srcfx]", false, &loc));
		cr_expect_not(modsyms_frame_source("entry+0x4 [other]", false, &loc));
	}

	/* The kernel's complaint with the driver in its trace: its frames' lines too. */
	{
		struct kcomplaints kc = { 0 };
		struct report rep = { .sources = true };
		struct strbuf log = { 0 };
		unsigned int rip = site_of(&t, "entry", "ext_alloc")->func_offset;
		unsigned int ret = site_of(&t, "entry", "ext_use")->func_offset + 5;

		sb_printf(&log, "4,1,6000000,-;WARNING: CPU: 0 PID: 1 at srcfx.c:5 "
			  "entry+%#x/0x40 [srcfx]\n4,2,6000001,-;RIP: 0010:entry+%#x/0x40 [srcfx]\n"
			  "4,3,6000002,-;Call Trace:\n4,4,6000003,-; <TASK>\n"
			  "4,5,6000004,-; entry+%#x/0x40 [srcfx]\n"
			  "4,6,6000005,-; do_one_initcall+0x44/0x200\n4,7,6000006,-; </TASK>\n"
			  "4,8,6000007,-;---[ end trace 0000000000000000 ]---\n", rip, rip, ret);
		kernlog_parse(log.s, log.len, &kc);
		cr_assert_eq(kc.n, 1);
		rep.modules = xstrdup(",srcfx,");
		report_kernel(&rep, &kc, NULL);
		cr_expect(strstr(rep.out.s, "    at entry+") &&
			  strstr(rep.out.s, " [srcfx] helper at "), "%s", rep.out.s);
		cr_expect(strstr(rep.out.s, "    driver frames: entry+"), "%s", rep.out.s);
		cr_expect(strstr(rep.out.s, "srcfx.c:10\n"), "%s", rep.out.s);
		sb_free(&rep.out);
		rep = (struct report){ .sources = true, .json = true, .modules = rep.modules };
		report_kernel(&rep, &kc, NULL);
		cr_expect(strstr(rep.out.s, "\"where_source\":{\"function\":\"helper\""), "%s",
			  rep.out.s);
		cr_expect(strstr(rep.out.s, "\"frames_source\":[{\"function\":\"helper\""), "%s",
			  rep.out.s);
		cr_expect(strstr(rep.out.s, "\"line\":10,\"inlined\":[]},null]"), "%s", rep.out.s);
		sb_free(&rep.out);
		free(rep.modules);
		kernlog_free(&kc);
		sb_free(&log);
	}

	/* The same report from a .ko without DWARF: today's lines, no source anywhere. */
	unlink(obj);
	srcline_reset();
	modsyms_reset();
	c = (struct collected){ 0 };
	decode_one(&t, id, stack, &c);
	cr_expect(strstr(c.text.s, " [srcfx]\n"), "%s", c.text.s);
	cr_expect_not(strstr(c.text.s, "site:") || strstr(c.text.s, "srcfx.c"), "%s", c.text.s);
	cr_expect_not(strstr(c.json.s, "source"), "%s", c.json.s);
	sb_free(&c.text);
	sb_free(&c.json);
	unsetenv("DDV_STATE_DIR");
	site_table_free(&t);
	cleanup();
}
