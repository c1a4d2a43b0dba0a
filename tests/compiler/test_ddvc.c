/* test_ddvc.c: Criterion unit tests of ddvc's passes: tree, diagnostics, parser+checks, writer, emitters. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compiler/ddvc.h"

static char *diag_text;
static size_t diag_len;
static FILE *diag_out;

static void setup(void)
{
	diag_reset();
	diag_out = open_memstream(&diag_text, &diag_len);
	diag_set_stream(diag_out);
}

static void teardown(void)
{
	fclose(diag_out);
	free(diag_text);
	diag_set_stream(NULL);
	tree_free_all();
}

TestSuite(ddvc, .init = setup, .fini = teardown);

/* Parses and checks text as file "t.ddv"; returns the spec. */
static struct spec *compile_text(const char *text)
{
	struct srcfile *f = tree_alloc(sizeof(*f));
	struct spec *spec = spec_new();

	f->name = "t.ddv";
	f->text = tree_strdup(text);
	f->len = strlen(text);
	diag_add_source(f);
	if (parse_file(spec, f))
		check_spec(spec);
	fflush(diag_out);
	return spec;
}

Test(ddvc, version_code_accepts_two_or_three_parts)
{
	cr_assert_str_eq(version_code("6.2"), "KERNEL_VERSION(6, 2, 0)");
	cr_assert_str_eq(version_code("6.12.107"), "KERNEL_VERSION(6, 12, 107)");
	cr_assert_null(version_code("6"));
	cr_assert_null(version_code("6.2.3.4"));
	cr_assert_null(version_code("6.256"));
	cr_assert_null(version_code("6.x"));
	cr_assert_null(version_code(""));
}

Test(ddvc, mangle_makes_c_identifiers)
{
	cr_assert_str_eq(mangle("ddv_w_", "__kmalloc"), "ddv_w___kmalloc");
	cr_assert_str_eq(mangle("ddv_pack_", "my-pack.v2"), "ddv_pack_my_pack_v2");
}

Test(ddvc, diagnostic_has_position_id_line_and_caret_range)
{
	compile_text("pack p 1.0;\nfn f(int a) -> int { check a > lim \"m\"; }\n");
	cr_assert_eq(diag_error_count(), 1);
	cr_assert_str_eq(diag_text,
		"t.ddv:2:32: error: 'lim' is neither a parameter, 'ret', nor a kernel constant [check.unknown-name]\n"
		"fn f(int a) -> int { check a > lim \"m\"; }\n"
		"                               ^~~\n");
}

Test(ddvc, errors_do_not_stop_the_parse)
{
	compile_text("pack p 1.0;\nfn f(int a) -> int { check a; }\nfn g(int a) -> int { check ; }\n");
	cr_assert_eq(diag_error_count(), 2, "%s", diag_text);
}

Test(ddvc, shared_body_tables_and_derived_rule_ids)
{
	struct spec *s = compile_text(
		"pack p 1.0;\n"
		"object o : void * { size : u64; states on, off; };\n"
		"api a\n"
		"\tfn a1(size_t n, gfp_t g) -> void *\n"
		"\tfn a2(gfp_t g, size_t n) -> void *\n"
		"\tfails NULL class alloc(size = n, contig)\n"
		"{\n"
		"\tafter ret != NULL { create o[ret] { size = n; } state on; }\n"
		"}\n"
		"fn b(void *p, size_t n) -> void {\n"
		"\tcheck o[p].size == n \"size {n} of {p}\";\n"
		"\trequire o[p].state == on \"not on\";\n"
		"}\n");

	cr_assert_eq(diag_error_count(), 0, "%s", diag_text);
	cr_assert_eq(s->nfuncs, 3);
	cr_assert_eq(s->ntypes, 1);
	cr_assert_str_eq(s->funcs->symbol, "a1");
	cr_assert_eq(s->contracts->fault_class, CLASS_ALLOC);
	cr_assert(s->contracts->contig);
	/* 3 functions x (call + ret) trace messages, then the rules. */
	cr_assert_eq(s->nmsgs, 3 * 2 + 3);
	struct msg *m = s->msgs;
	for (int i = 0; i < 6; i++)
		m = m->next_in_pack;
	cr_assert_str_eq(m->rule_id, "p.a.1");
	m = m->next_in_pack;
	cr_assert_str_eq(m->rule_id, "p.b.1");
	cr_assert_eq(m->nargs, 2);
	cr_assert_str_eq(m->args[0], "n");
	cr_assert_str_eq(m->args[1], "p");
	cr_assert_eq(m->index, 8);
}

Test(ddvc, state_names_resolve_against_the_compared_type)
{
	struct spec *s = compile_text(
		"pack p 1.0;\n"
		"object o : void * { states idle, armed; };\n"
		"fn f(void *p) -> void { check o[p].state != armed \"armed\"; }\n");
	struct expr *e;

	cr_assert_eq(diag_error_count(), 0, "%s", diag_text);
	e = s->contracts->body->cond;
	cr_assert_eq(e->b->ref, REF_STATE);
	cr_assert_eq(e->b->index, 1);
}

Test(ddvc, expression_depth_is_limited)
{
	struct srcpos pos = { 1, 1, 1, 1, "t.ddv" };
	struct expr *e = expr_new(E_NAME, &pos);

	e->text = "a";
	for (int i = 0; i < DDVC_MAX_DEPTH + 50; i++) {
		struct expr *b = expr_new(E_NAME, &pos);

		b->text = "a";
		e = expr_binary('+', e, b, &pos);
	}
	cr_assert_leq(e->depth, DDVC_MAX_DEPTH);
	cr_assert_geq(diag_error_count(), 1);
}

Test(ddvc, writer_indents_every_line_and_escapes_strings)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	struct writer w;

	w_init(&w, out);
	w_open(&w, "if (x)");
	w_printf(&w, "a = 1;\nb = ");
	w_cstring(&w, "q\"\\\n\x01?\?=");
	w_printf(&w, ";\n");
	w_close(&w, "");
	fclose(out);
	cr_assert_str_eq(text, "if (x) {\n\ta = 1;\n\tb = \"q\\\"\\\\\\n\\001\\077?=\";\n}\n");
	free(text);
}

Test(ddvc, writer_keeps_preprocessor_lines_in_column_0_and_labels_one_level_up)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	struct writer w;

	w_init(&w, out);
	w_open(&w, "switch (x)");
	w_label(&w, "case %d:", 1);
	w_pp(&w, "#if %s", "A");
	w_line(&w, "if (y)");
	w_nested(&w, "goto %s;", "out");
	w_pp(&w, "#endif");
	w_indent(&w);
	w_cstring(&w, "z");
	w_printf(&w, ";\n");
	w_dedent(&w);
	w_close(&w, "");
	fclose(out);
	cr_assert_str_eq(text, "switch (x) {\ncase 1:\n#if A\n\tif (y)\n\t\tgoto out;\n#endif\n"
			       "\t\t\"z\";\n}\n");
	free(text);
}

/* The module's catalog is the catalog text, a C string literal a line, escapes and all. */
Test(ddvc, module_carries_the_catalog_in_its_section)
{
	struct spec *s = compile_text(
		"pack p 1.0;\n"
		"fn f(void *p) -> int fails -EIO { check p != NULL \"a \\\"b\\\" \\\\ {p}\" id \"p.q\"; }\n");
	char *text = NULL, *cat = NULL;
	size_t len = 0, catlen;
	FILE *out = open_memstream(&text, &len);

	cr_assert_eq(diag_error_count(), 0, "%s", diag_text);
	cat = (char *)catalog_text(s, &catlen);
	cr_assert_not_null(cat);
	cr_assert_not_null(strstr(cat, "msg 3 p.q error t.ddv:2:"));
	cr_assert_not_null(strstr(cat, "args=p a \"b\" \\\\ {p}\n"));
	cr_assert_eq(emit_c(s, out), 0);
	fclose(out);
	cr_assert_not_null(strstr(text, "static const char ddv_catalog[]\n"
				       "\t__attribute__((__section__(\".ddv_catalog\"), __used__)) =\n"
				       "\t\"# ddv message catalog 1\\n\"\n"));
	cr_assert_not_null(strstr(text, "args=p a \\\"b\\\" \\\\\\\\ {p}\\n\";\n"));
	cr_assert_not_null(strstr(text, ".catalog = ddv_catalog,\n"
				       "\t.catalog_len = sizeof(ddv_catalog) - 1,\n"));
	cr_assert_not_null(strstr(text, "\t/* 3 p.q, t.ddv:2:"));
	cr_assert_null(strstr(text, ".rule_id"));
	free(text);
}

Test(ddvc, catalog_lines_follow_the_documented_format)
{
	struct spec *s = compile_text(
		"pack p 1.0;\n"
		"object o : void * { size : u64; } leak \"{key} leaks\";\n"
		"fn f(void *p) -> int fails -EIO { check p != NULL \"null\\n{p}\" warning id \"p.null\"; }\n");
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	cr_assert_eq(diag_error_count(), 0, "%s", diag_text);
	cr_assert_eq(emit_catalog(s, out), 0);
	fclose(out);
	cr_assert_str_eq(text,
		"# ddv message catalog 1\n"
		"pack p 1.0\n"
		"type 0 o fields=size states=-\n"
		"func 0 f f t.ddv:3:4 args=p ret=int\n"
		"msg 1 p.o.leak error t.ddv:2:40 args=key,size {key} leaks\n"
		"msg 2 p.trace.f.call note t.ddv:3:4 args=p f(p={p})\n"
		"msg 3 p.trace.f.ret note t.ddv:3:4 args=ret f returned {ret}\n"
		"msg 4 p.null warning t.ddv:3:51 args=p null\\n{p}\n");
	free(text);
}

Test(ddvc, nothing_is_emitted_after_an_error)
{
	char dir[] = "/tmp/ddvc-test-XXXXXX";
	char path[64];
	char *argv[] = { "ddvc", "compile", path, "-o", dir, NULL };
	FILE *f;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/bad.ddv", dir);
	f = fopen(path, "w");
	fputs("pack p 1.0;\nfn f(int a) -> int { check b \"m\"; }\n", f);
	fclose(f);
	cr_assert_eq(ddvc_main(5, argv), 1);
	snprintf(path, sizeof(path), "%s/p.c", dir);
	cr_assert_eq(access(path, F_OK), -1);
	snprintf(path, sizeof(path), "%s/bad.ddv", dir);
	unlink(path);
	rmdir(dir);
}

Test(ddvc, usage_errors_exit_2)
{
	char *none[] = { "ddvc", NULL };
	char *bad_cmd[] = { "ddvc", "frobnicate", "x.ddv", NULL };
	char *no_out[] = { "ddvc", "compile", "x.ddv", NULL };
	char *bad_stage[] = { "ddvc", "check", "--stop-after=link", "x.ddv", NULL };

	cr_assert_eq(ddvc_main(1, none), 2);
	cr_assert_eq(ddvc_main(3, bad_cmd), 2);
	cr_assert_eq(ddvc_main(3, no_out), 2);
	cr_assert_eq(ddvc_main(4, bad_stage), 2);
}

Test(ddvc, keywords_are_names_where_no_keyword_can_stand)
{
	struct spec *s = compile_text(
		"pack p 1.0;\n"
		"include <linux/device.h>;\n"
		"predicate check(const struct class *class);\n"
		"object class : struct class * { n : counter; };\n"
		"api class\n"
		"\tfn state(struct class *class, int kernel, void (*create)(struct device *)) -> struct class *\n"
		"\tcite \"d\"\n"
		"{\n"
		"\tcheck class->state != 0 && class->class.state == 1 \"{class}\";\n"
		"\tcheck check(class) && sizeof(struct class) > 0 \"{class}\";\n"
		"\tif kernel >= 6.4 { create class[class]; } else { destroy class[class]; }\n"
		"\tafter ret != NULL { class[ret].n = (struct class *)ret != NULL; }\n"
		"}\n");

	cr_assert_eq(diag_error_count(), 0, "%s", diag_text);
	cr_assert_str_eq(s->contracts->api, "class");
	cr_assert_str_eq(s->funcs->symbol, "state");
	cr_assert_str_eq(s->funcs->ret_type, "struct class *");
	cr_assert_str_eq(s->funcs->params->name, "class");
	cr_assert_str_eq(s->funcs->params->ctype, "struct class *");
	cr_assert_str_eq(s->funcs->params->next->name, "kernel");
	cr_assert_str_eq(s->funcs->params->next->next->name, "create");
	cr_assert_str_eq(s->types->name, "class");
}

Test(ddvc, a_keyword_where_a_keyword_stands_stays_one)
{
	/* "if kernel" is the version test, not a parameter named kernel. */
	compile_text("pack p 1.0;\nfn f(int kernel) -> int { if kernel >= 6.2 { check kernel \"m\"; } }\n");
	cr_assert_eq(diag_error_count(), 1, "%s", diag_text);
	cr_assert(strstr(diag_text, "t.ddv:2:52: error: "), "%s", diag_text);
}

Test(ddvc, variadic_functions_forward_their_words)
{
	struct spec *s = compile_text(
		"pack p 1.0;\n"
		"fn dc(void *cls, const char *fmt, ...) -> void * fails NULL { check fmt != NULL \"m\"; }\n"
		"fn ok(int a) -> int { }\n");
	char *text = NULL;
	size_t len = 0;
	FILE *out;

	cr_assert_eq(diag_error_count(), 0, "%s", diag_text);
	cr_assert(s->funcs->variadic);
	cr_assert_eq(s->funcs->nparams, 2);
	cr_assert_not(s->funcs->next_in_pack->variadic);
	out = open_memstream(&text, &len);
	emit_c(s, out);
	fclose(out);
	cr_assert(strstr(text, "static DDV_WRAPPER void *ddv_w_dc(void *cls, const char *fmt, ...)\n"),
		  "%s", text);
	cr_assert(strstr(text, "\tva_start(ddv_ap, fmt);\n"));
	cr_assert(strstr(text, tree_printf("\tddv_va%d = va_arg(ddv_ap, unsigned long);\n",
					   DDVC_VA_WORDS - 1)));
	cr_assert_null(strstr(text, tree_printf("ddv_va%d ", DDVC_VA_WORDS)));
	cr_assert(strstr(text, tree_printf("ret = dc(cls, fmt, ddv_va0, ddv_va1, ddv_va2, ddv_va3, "
					   "ddv_va4, ddv_va5, ddv_va6, ddv_va7);\n")));
	cr_assert(strstr(text, "ret = ok(a);\n"));
	free(text);
}

Test(ddvc, ellipsis_only_last)
{
	compile_text("pack p 1.0;\nfn f(const char *fmt, ..., int a) -> int { }\n");
	cr_assert_eq(diag_error_count(), 1, "%s", diag_text);
	cr_assert(strstr(diag_text, "t.ddv:2:26: error: syntax error"), "%s", diag_text);
}
