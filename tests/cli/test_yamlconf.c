/* test_yamlconf.c: the YAML configuration: every diagnostic word for word, the plan of a full file, garbage in. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "yamlconf.h"

/* The shipped pack's catalog, as ddvc writes it into the pack module ($DDVC: make check's). */
#define CATALOG_SPECS SRCDIR "/specs/linux/*.ddv"
#define SAMPLE SRCDIR "/tests/cli/data/e1000.yaml"
#define BINARY SRCDIR "/tests/cli/data/e1000-6.1.0-56.ko"

static struct catalog cat;
static struct yconf conf;

static void setup(void)
{
	const char *ddvc = getenv("DDVC");
	char *cmd = xasprintf("%s catalog %s", ddvc && *ddvc ? ddvc : "./compiler/ddvc",
			      CATALOG_SPECS);
	FILE *f = popen(cmd, "r");
	struct strbuf text = { 0 };
	char buf[4096];
	size_t n;

	cr_assert_not_null(f);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_add(&text, buf, n);
	cr_assert_eq(pclose(f), 0, "%s failed", cmd);
	free(cmd);
	catalog_init(&cat);
	cr_assert_eq(catalog_parse(&cat, text.s, "linux.catalog"), 0);
	sb_free(&text);
}

static void teardown(void)
{
	yconf_free(&conf);
	catalog_free(&cat);
}

TestSuite(yamlconf, .init = setup, .fini = teardown);

static const char *errors_of(const char *text)
{
	yconf_parse(&conf, "t.yaml", text, strlen(text), &cat);
	return conf.errors.s ? conf.errors.s : "";
}

static const char *plan_of(const char *text, const struct catalog *names)
{
	static struct strbuf plan;

	sb_free(&plan);
	yconf_parse(&conf, "t.yaml", text, strlen(text), names);
	cr_assert_eq(conf.nerrors, 0, "unexpected errors:\n%s", conf.errors.s);
	yconf_plan_text(&conf, &plan);
	return plan.s;
}

/* One file, its exact diagnostics (and as many counted as printed). */
#define ERRORS(name, text, want)                                                   \
	Test(yamlconf, name)                                                       \
	{                                                                          \
		const char *got = errors_of(text);                                 \
		unsigned int lines = 0;                                            \
		for (const char *p = want; *p; p++)                                \
			lines += *p == '\n';                                       \
		cr_assert_str_eq(got, want);                                       \
		cr_assert_eq(conf.nerrors, lines);                                 \
	}

/* ---- what libyaml itself refuses, at its position ---- */

ERRORS(syntax_unclosed_flow, "target: { driver: e1000\n",
       "t.yaml:2:1: error: did not find expected ',' or '}' while parsing a flow mapping at 1:9\n")
ERRORS(syntax_bad_indent, "target:\n  driver: e1000\n params: x\n",
       "t.yaml:3:2: error: did not find expected key while parsing a block mapping at 1:1\n")
ERRORS(syntax_tab, "target:\n\tdriver: e1000\n",
       "t.yaml:2:1: error: found character that cannot start any token while scanning for "
       "the next token at 2:1\n")
ERRORS(reader_bad_utf8, "target: e1000\ninject: \xff\n",
       "t.yaml:2:9: error: invalid leading UTF-8 octet (byte 0xff)\n")
ERRORS(reader_control_char, "target: e1\x01" "000\n",
       "t.yaml:1:11: error: control characters are not allowed (byte 0x01)\n")
ERRORS(nul_in_quoted_value, "target: \"e1000\\0x\"\n",
       "t.yaml:1:9: error: a NUL character inside a value\n")
ERRORS(alias, "target: &t e1000\npacks: [*t]\n",
       "t.yaml:2:9: error: aliases (*t) are not supported: write the value out\n")
ERRORS(second_document, "target: e1000\n---\ntarget: e1000\n",
       "t.yaml:2:1: error: a second YAML document: a configuration is one document\n")
ERRORS(too_deep, "target: e1000\nlog: [[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]\n",
       "t.yaml:2:21: error: nested deeper than 16 levels\n")

/* ---- the top level ---- */

ERRORS(empty_file, "", "t.yaml:1:1: error: empty configuration: 'target' is required\n")
ERRORS(only_comment, "# nothing\n",
       "t.yaml:1:1: error: empty configuration: 'target' is required\n")
ERRORS(root_not_mapping, "- target\n",
       "t.yaml:1:1: error: expected a mapping of settings (target:, inject:...), found a "
       "sequence\n")
ERRORS(missing_target, "packs: [linux]\n",
       "t.yaml:1:1: error: missing 'target' (the driver to check: target: { driver: NAME })\n")
ERRORS(unknown_key_suggested, "target: e1000\ninjet: []\n",
       "t.yaml:2:1: error: configuration: unknown key 'injet' (did you mean 'inject'?)\n")
ERRORS(unknown_key_listed, "target: e1000\nfeatures: { stack: true }\n",
       "t.yaml:2:13: error: features: unknown key 'stack' (known: leak-check)\n")
ERRORS(duplicate_key, "target: e1000\ntarget: e1001\n",
       "t.yaml:2:1: error: configuration: duplicate key 'target' (first at 1:1)\n")
ERRORS(key_not_a_name, "target: e1000\n[a]: 1\n",
       "t.yaml:2:1: error: configuration: a key must be a name, found a sequence\n")

/* ---- suppress: the patterns of ddv report --suppress ---- */

ERRORS(suppress_item_mapping, "target: e1000\nsuppress: [ { rule: heap.leak } ]\n",
       "t.yaml:2:13: error: suppress[0]: expected a string, found a mapping\n")
ERRORS(suppress_not_list, "target: e1000\nsuppress: { heap.leak: x }\n",
       "t.yaml:2:11: error: suppress: expected a list, found a mapping\n")
ERRORS(suppress_unknown_rule, "target: e1000\nsuppress: [ heap.lek@e1000_probe* ]\n",
       "t.yaml:2:13: error: suppress[0]: no rule 'heap.lek' in the catalogs "
       "(did you mean 'heap.leak'?)\n")
ERRORS(suppress_nothing_after_at, "target: e1000\nsuppress:\n  - heap.leak\n  - heap.leak@\n",
       "t.yaml:4:5: error: suppress[1]: nothing after '@' (a site or frame glob, or "
       "FRAME>FRAME...)\n")
ERRORS(suppress_no_rule, "target: e1000\nsuppress: [ \"@e1000_probe*\" ]\n",
       "t.yaml:2:13: error: suppress[0]: no rule id before '@' (write * for any rule)\n")
ERRORS(suppress_empty_frame, "target: e1000\nsuppress: [ \"heap.leak@a>>b\" ]\n",
       "t.yaml:2:13: error: suppress[0]: an empty frame pattern around '>'\n")
ERRORS(suppress_stack_before_rule, "target: e1000\nsuppress: [ \"heap.leak>kfree\" ]\n",
       "t.yaml:2:13: error: suppress[0]: '>' before '@': the stack comes after the rule "
       "(RULE@FRAME>FRAME)\n")
ERRORS(suppress_unclosed_bracket, "target: e1000\nsuppress: [ \"heap.*@kfree>x [e1000\" ]\n",
       "t.yaml:2:13: error: suppress[0]: a '[' without its ']' (module names in brackets: "
       "write \\[ or *): 'x [e1000'\n")
ERRORS(suppress_two_ats, "target: e1000\nsuppress: [ \"heap.leak@a@b\" ]\n",
       "t.yaml:2:13: error: suppress[0]: a second '@' (one rule, then one stack pattern)\n")
ERRORS(suppress_comment_char, "target: e1000\nsuppress: [ \"heap.leak@a#b\" ]\n",
       "t.yaml:2:13: error: suppress[0]: a pattern is one line, without '#' (kept in a file "
       "where '#' starts a comment)\n")
ERRORS(suppress_blank_in_rule, "target: e1000\nsuppress: [ \"heap leak@a\" ]\n",
       "t.yaml:2:13: error: suppress[0]: a blank inside the rule id: 'heap leak'\n")

/* ---- target, runtime, packs ---- */

ERRORS(target_wrong_type, "target: [e1000]\n",
       "t.yaml:1:9: error: target: expected a mapping, found a sequence\n")
ERRORS(target_null, "target:\n",
       "t.yaml:1:8: error: target: expected a mapping, found nothing\n")
ERRORS(target_empty_string, "target: ''\n", "t.yaml:1:9: error: target: empty\n")
ERRORS(target_missing_driver, "target: { params: debug=2 }\n",
       "t.yaml:1:9: error: target: missing 'driver' (a module name or a .ko file)\n")
ERRORS(target_driver_not_string, "target: { driver: { name: e1000 } }\n",
       "t.yaml:1:19: error: target.driver: expected a string, found a mapping\n")
ERRORS(target_timeout_range, "target: { driver: e1000, timeout: 0 }\n",
       "t.yaml:1:35: error: target.timeout: 0 is out of range (1 to 86400)\n")
ERRORS(target_timeout_not_number, "target: { driver: e1000, timeout: soon }\n",
       "t.yaml:1:35: error: target.timeout: 'soon' is not a number\n")
ERRORS(target_timeout_quoted, "target: { driver: e1000, timeout: \"60\" }\n",
       "t.yaml:1:35: error: target.timeout: '60' is not a number\n")
ERRORS(target_timeout_negative, "target: { driver: e1000, timeout: -5 }\n",
       "t.yaml:1:35: error: target.timeout: '-5' is not a number\n")
ERRORS(target_timeout_huge, "target: { driver: e1000, timeout: 99999999999999999999999 }\n",
       "t.yaml:1:35: error: target.timeout: 99999999999999999999999 is out of range (1 to "
       "86400)\n")
ERRORS(target_params_item_type, "target: { driver: e1000, params: [a=1, [b]] }\n",
       "t.yaml:1:40: error: target.params[1]: expected a string, found a sequence\n")
ERRORS(runtime_params_wrong_type, "target: e1000\nruntime: { params: { a: 1 } }\n",
       "t.yaml:2:20: error: runtime.params: expected a list, found a mapping\n")
ERRORS(runtime_not_mapping, "target: e1000\nruntime: /lib\n",
       "t.yaml:2:10: error: runtime: expected a mapping, found a scalar\n")
ERRORS(packs_unknown, "target: e1000\npacks: [linx]\n",
       "t.yaml:2:9: error: packs[0]: no catalog describes a pack 'linx' (did you mean "
       "'linux'?)\n")

/* ---- log, features, rules, functions ---- */

ERRORS(log_missing_level, "target: e1000\nlog: { functions: [kmalloc] }\n",
       "t.yaml:2:6: error: log: missing 'level' (off, violation, calls or stack)\n")
ERRORS(log_unknown_level, "target: e1000\nlog: { level: call }\n",
       "t.yaml:2:15: error: log.level: unknown level 'call' (did you mean 'calls'?)\n")
ERRORS(log_unknown_level_far, "target: e1000\nlog: { level: everything }\n",
       "t.yaml:2:15: error: log.level: unknown level 'everything'\n")
ERRORS(log_unknown_function, "target: e1000\nlog: { level: calls, functions: [kmaloc] }\n",
       "t.yaml:2:34: error: log.functions[0]: no pack probes a function 'kmaloc' (did you "
       "mean 'kmalloc'?)\n")
ERRORS(features_not_bool, "target: e1000\nfeatures: { leak-check: maybe }\n",
       "t.yaml:2:25: error: features.leak-check: expected true or false, found 'maybe'\n")
ERRORS(features_leak_check_off, "target: e1000\nfeatures: { leak-check: false }\n",
       "t.yaml:2:25: error: features.leak-check: false is not supported: the runtime checks "
       "for leaks at every unload (switch single rules off with rules.off)\n")
ERRORS(rules_not_an_id, "target: e1000\nrules: { off: [kfree] }\n",
       "t.yaml:2:16: error: rules.off[0]: 'kfree' is no rule id (PACK-AREA.NAME, like "
       "heap.leak); functions go in functions.off\n")
ERRORS(rules_unknown, "target: e1000\nrules: { off: [heap.double-fre] }\n",
       "t.yaml:2:16: error: rules.off[0]: no rule 'heap.double-fre' in the catalogs (did you "
       "mean 'heap.double-free'?)\n")
ERRORS(functions_all, "target: e1000\nfunctions: { off: [all] }\n",
       "t.yaml:2:20: error: functions.off[0]: one function, not 'all'\n")

/* ---- inject ---- */

ERRORS(inject_not_list, "target: e1000\ninject: { mode: nth }\n",
       "t.yaml:2:9: error: inject: expected a list of modes, found a mapping\n")
ERRORS(inject_item_not_mapping, "target: e1000\ninject: [nth]\n",
       "t.yaml:2:10: error: inject[0]: expected a mapping with 'mode' or 'filter', found a "
       "scalar\n")
ERRORS(inject_missing_mode, "target: e1000\ninject: [ { n: 3 } ]\n",
       "t.yaml:2:11: error: inject[0]: missing 'mode' (nth, nth-any, random, memory, locks, "
       "trigger) or 'filter'\n")
ERRORS(trigger_needs_on, "target: e1000\ninject: [ { mode: trigger, fail: kmalloc } ]\n",
       "t.yaml:2:11: error: inject[0]: mode trigger needs on (the function whose call fires "
       "it)\n")
ERRORS(trigger_needs_one_action,
       "target: e1000\ninject: [ { mode: trigger, on: kmalloc, fail: kmalloc, delay-us: 5 } ]\n",
       "t.yaml:2:11: error: inject[0]: mode trigger needs one action: fail, delay-us or run\n")
ERRORS(trigger_bad_condition,
       "target: e1000\ninject: [ { mode: trigger, on: kmalloc, if: size > 3, run: ls } ]\n",
       "t.yaml:2:45: error: inject[0].if: 'size > 3': expected argI OP VALUE (I from 1 to 6, "
       "OP one of == != < <= > >= &)\n")
ERRORS(trigger_bad_phase,
       "target: e1000\ninject: [ { mode: trigger, on: kmalloc, phase: init, run: ls } ]\n",
       "t.yaml:2:48: error: inject[0].phase: unknown phase 'init'\n")
ERRORS(trigger_count_without_fail,
       "target: e1000\ninject: [ { mode: trigger, on: kmalloc, count: 2, run: ls } ]\n",
       "t.yaml:2:48: error: inject[0].count: goes with fail\n")
ERRORS(trigger_unknown_function,
       "target: e1000\ninject: [ { mode: trigger, on: kmallok, delay-us: 10 } ]\n",
       "t.yaml:2:32: error: inject[0].on: no pack probes a function 'kmallok' (did you mean "
       "'kmalloc'?)\n")
ERRORS(inject_mode_and_filter, "target: e1000\ninject: [ { mode: nth, filter: {} } ]\n",
       "t.yaml:2:11: error: inject[0]: 'mode' or 'filter', not both (the filter applies to "
       "every mode)\n")
ERRORS(inject_unknown_mode, "target: e1000\ninject: [ { mode: nht } ]\n",
       "t.yaml:2:19: error: inject[0].mode: unknown mode 'nht' (did you mean 'nth'?)\n")
ERRORS(nth_missing_both, "target: e1000\ninject: [ { mode: nth } ]\n",
       "t.yaml:2:11: error: inject[0]: mode nth needs function and n\n")
ERRORS(nth_missing_n, "target: e1000\ninject: [ { mode: nth, function: kmalloc } ]\n",
       "t.yaml:2:11: error: inject[0]: mode nth needs n\n")
ERRORS(nth_missing_function, "target: e1000\ninject: [ { mode: nth, n: 2 } ]\n",
       "t.yaml:2:11: error: inject[0]: mode nth needs function\n")
ERRORS(nth_zero, "target: e1000\ninject: [ { mode: nth, function: kmalloc, n: 0 } ]\n",
       "t.yaml:2:46: error: inject[0].n: 0 is out of range (1 to 18446744073709551615)\n")
ERRORS(nth_all, "target: e1000\ninject: [ { mode: nth, function: all, n: 1 } ]\n",
       "t.yaml:2:34: error: inject[0].function: one function, not 'all'\n")
ERRORS(nth_unknown_function, "target: e1000\ninject: [ { mode: nth, function: kmallok, n: 1 } ]\n",
       "t.yaml:2:34: error: inject[0].function: no pack probes a function 'kmallok' (did you "
       "mean 'kmalloc'?)\n")
ERRORS(nth_extra_key, "target: e1000\ninject: [ { mode: nth, function: kmalloc, n: 1, percent: 5 } ]\n",
       "t.yaml:2:49: error: inject[0]: unknown key 'percent' (known: mode, function, n)\n")
ERRORS(nth_any_missing_n, "target: e1000\ninject: [ { mode: nth-any } ]\n",
       "t.yaml:2:11: error: inject[0]: mode nth-any needs n\n")
ERRORS(random_missing_percent, "target: e1000\ninject: [ { mode: random } ]\n",
       "t.yaml:2:11: error: inject[0]: mode random needs percent\n")
ERRORS(random_percent_range, "target: e1000\ninject: [ { mode: random, percent: 100.5 } ]\n",
       "t.yaml:2:36: error: inject[0].percent: 100.5 is out of range (0 to 100)\n")
ERRORS(random_percent_word, "target: e1000\ninject: [ { mode: random, percent: half } ]\n",
       "t.yaml:2:36: error: inject[0].percent: 'half' is not a percentage (a number from 0 "
       "to 100)\n")
ERRORS(random_percent_nan, "target: e1000\ninject: [ { mode: random, percent: nan } ]\n",
       "t.yaml:2:36: error: inject[0].percent: 'nan' is not a percentage (a number from 0 "
       "to 100)\n")
ERRORS(random_consecutive_range,
       "target: e1000\ninject: [ { mode: random, percent: 5, consecutive: 4294967296 } ]\n",
       "t.yaml:2:52: error: inject[0].consecutive: 4294967296 is out of range (0 to "
       "4294967295)\n")
ERRORS(memory_empty, "target: e1000\ninject: [ { mode: memory } ]\n",
       "t.yaml:2:11: error: inject[0]: mode memory needs percent, fail-size, budget or "
       "contig-percent\n")
ERRORS(memory_bad_size, "target: e1000\ninject: [ { mode: memory, budget: 1Q } ]\n",
       "t.yaml:2:35: error: inject[0].budget: '1Q' is not a size (bytes, or a number with "
       "K, M or G)\n")
ERRORS(memory_size_overflow, "target: e1000\ninject: [ { mode: memory, budget: 17179869184G } ]\n",
       "t.yaml:2:35: error: inject[0].budget: 17179869184G is out of range (1 to "
       "18446744073709551615)\n")
ERRORS(memory_contig_min_alone, "target: e1000\ninject: [ { mode: memory, contig-min-size: 4K } ]\n",
       "t.yaml:2:11: error: inject[0]: mode memory needs percent, fail-size, budget or "
       "contig-percent\n")
ERRORS(memory_contig_min_without_percent,
       "target: e1000\ninject: [ { mode: memory, budget: 1M, contig-min-size: 4K } ]\n",
       "t.yaml:2:56: error: inject[0].contig-min-size: needs contig-percent (the chance to "
       "fail such an allocation)\n")
ERRORS(memory_twice, "target: e1000\ninject:\n  - { mode: memory, budget: 1M }\n"
		     "  - { mode: memory, percent: 1 }\n",
       "t.yaml:4:5: error: inject[1]: a second 'memory' entry (the first is at 3:5): the "
       "runtime has one plan per driver, put its keys in one entry\n")
ERRORS(locks_empty, "target: e1000\ninject: [ { mode: locks } ]\n",
       "t.yaml:2:11: error: inject[0]: mode locks needs trylock-fail-percent or "
       "delay-percent\n")
ERRORS(locks_delay_alone, "target: e1000\ninject: [ { mode: locks, delay-percent: 5 } ]\n",
       "t.yaml:2:41: error: inject[0]: delay-percent and delay-max-us go together (how often "
       "a lock waits, and at most how long)\n")
ERRORS(locks_delay_range,
       "target: e1000\ninject: [ { mode: locks, delay-percent: 5, delay-max-us: 2000000 } ]\n",
       "t.yaml:2:58: error: inject[0].delay-max-us: 2000000 is out of range (1 to 1000000)\n")
ERRORS(filter_extra_key, "target: e1000\ninject: [ { filter: { phase: init }, n: 1 } ]\n",
       "t.yaml:2:11: error: inject[0]: a filter entry has only the key 'filter'\n")
ERRORS(filter_not_mapping, "target: e1000\ninject: [ { filter: init } ]\n",
       "t.yaml:2:21: error: inject[0].filter: expected a mapping, found a scalar\n")
ERRORS(filter_unknown_phase, "target: e1000\ninject: [ { filter: { phase: probe } } ]\n",
       "t.yaml:2:30: error: inject[0].filter.phase: unknown phase 'probe'\n")
ERRORS(filter_caller_not_a_name, "target: e1000\ninject: [ { filter: { caller: \"e1000:open\" } } ]\n",
       "t.yaml:2:31: error: inject[0].filter.caller: 'e1000:open' is no function name (a "
       "function of the driver, as /proc/kallsyms names it: e1000_probe)\n")
ERRORS(filter_caller_not_scalar, "target: e1000\ninject: [ { filter: { caller: [a, b] } } ]\n",
       "t.yaml:2:31: error: inject[0].filter.caller: expected a string, found a sequence\n")
ERRORS(filter_task_range, "target: e1000\ninject: [ { filter: { task: 0 } } ]\n",
       "t.yaml:2:29: error: inject[0].filter.task: 0 is out of range (1 to 4194304)\n")
ERRORS(filter_delay_overflow,
       "target: e1000\ninject: [ { filter: { start-delay-ms: 18446744073709551615 } } ]\n",
       "t.yaml:2:39: error: inject[0].filter.start-delay-ms: 18446744073709551615 is out of "
       "range (0 to 18446744073709)\n")

/* All errors of a file at once, in file order, each at its place. */
ERRORS(several_in_file_order,
       "inject:\n  - { mode: nth, function: kmalloc, n: 0 }\nlog: { level: loud }\ntrget: x\n",
       "t.yaml:1:1: error: missing 'target' (the driver to check: target: { driver: NAME })\n"
       "t.yaml:2:40: error: inject[0].n: 0 is out of range (1 to 18446744073709551615)\n"
       "t.yaml:3:15: error: log.level: unknown level 'loud'\n"
       "t.yaml:4:1: error: configuration: unknown key 'trget' (did you mean 'target'?)\n")

/* ---- valid files and their plans ---- */

/* The full sample: every section, every mode, in the order ddv run applies them. */
Test(yamlconf, full_sample_plan)
{
	static const char want[] =
		"# packs: linux\n"
		"ddv start\n"
		"ddv trace kmalloc calls\n"
		"ddv trace dma_alloc_coherent calls\n"
		"ddv off heap.double-free\n"
		"ddv off kfree\n"
		"ddv inject off\n"
		"ddv inject plan mem-size-min=65536 mem-budget=1048576 mem-contig-rate=10 "
		"mem-contig-min=4096 trylock-rate=20 lock-delay-rate=50 lock-delay-max=100000 "
		"phase=init task=1 start-delay=100000000\n"
		"ddv inject nth kmalloc 3\n"
		"ddv inject random dma_alloc_coherent 5 --consecutive 2\n"
		"ddv inject nth-any 7\n"
		"ddv load --timeout 120 e1000 debug=2\n";
	struct strbuf plan = { 0 };

	cr_assert_eq(yconf_load(&conf, SAMPLE, &cat), 0, "%s", conf.errors.s);
	cr_assert_str_eq(conf.driver, "e1000");
	cr_assert_eq(conf.ndriver_params, 1);
	cr_assert_str_eq(conf.driver_params[0], "debug=2");
	cr_assert_eq(conf.load_timeout, 120);
	cr_assert_eq(conf.npacks, 1);
	cr_assert_str_eq(conf.packs[0], "linux");
	cr_assert_eq(conf.nsteps, 9);
	/* Each step remembers the line that asked for it. */
	cr_assert_eq(conf.steps[0].line, 4);
	cr_assert_eq(conf.steps[0].col, 34);
	cr_assert_eq(conf.steps[6].line, 9);
	cr_assert_eq(conf.steps[6].col, 5);
	cr_assert_eq(conf.steps[5].line, 11);
	yconf_plan_text(&conf, &plan);
	cr_assert_str_eq(plan.s, want);
	sb_free(&plan);
}

Test(yamlconf, shorthand_target_and_block_style)
{
	cr_assert_str_eq(plan_of("target: /tmp/my driver.ko\n"
				 "runtime:\n  modules: /opt/ddv\n  params: [ring_pages=8]\n"
				 "log:\n  level: stack\n", &cat),
			 "ddv start --modules /opt/ddv ring_pages=8\n"
			 "ddv trace all stack\n"
			 "ddv load '/tmp/my driver.ko'\n");
}

Test(yamlconf, random_all_percent_with_decimals_and_hex)
{
	cr_assert_str_eq(plan_of("target: { driver: e1000, params: \"a=1  b='x y'\" }\n"
				 "inject:\n"
				 "  - mode: random\n    percent: 12.5\n"
				 "  - { mode: nth-any, n: 0x10 }\n"
				 "  - { mode: memory, percent: 0.0001, fail-size: 2G }\n", &cat),
			 "ddv start\n"
			 "ddv inject off\n"
			 "ddv inject plan mem-rate=0.0001 mem-size-min=2147483648\n"
			 "ddv inject random all 12.5\n"
			 "ddv inject nth-any 16\n"
			 "ddv load e1000 a=1 'b='\\''x' 'y'\\'''\n");
}

Test(yamlconf, triggers_as_ddv_inject_on)
{
	cr_assert_str_eq(plan_of("target: e1000\n"
				 "inject:\n"
				 "  - { mode: trigger, on: request_irq, n: 2, if: \"arg2 >= 0x20\",\n"
				 "      phase: live, fail: kmalloc, count: 3 }\n"
				 "  - { mode: trigger, on: kmalloc, delay-us: 250 }\n"
				 "  - { mode: trigger, on: dma_map_sgtable, phase: unload,\n"
				 "      run: \"echo 1 >/sys/class/scsi_host/host0/scan\" }\n", &cat),
			 "ddv start\n"
			 "ddv inject off\n"
			 "ddv inject on request_irq:2 if 'arg2 >= 0x20' in live fail kmalloc 3\n"
			 "ddv inject on kmalloc delay 250\n"
			 "ddv inject on dma_map_sgtable in unload run "
			 "'echo 1 >/sys/class/scsi_host/host0/scan'\n"
			 "ddv load e1000\n");
}

/*
 * filter.caller: the plan goes before ddv load like any other, the function
 * named with the driver as the kernel spells it (the runtime looks it up when
 * the driver arrives), and no phase is added.
 */
Test(yamlconf, filter_caller_before_load)
{
	cr_assert_str_eq(plan_of("target: { driver: ./out/my-drv.ko }\n"
				 "log: { level: violation }\n"
				 "inject:\n"
				 "  - { mode: nth, function: kmalloc, n: 2 }\n"
				 "  - filter: { caller: my_drv_open, task: 42 }\n", &cat),
			 "ddv start\n"
			 "ddv trace all violation\n"
			 "ddv inject off\n"
			 "ddv inject plan task=42 caller=my_drv:my_drv_open\n"
			 "ddv inject nth kmalloc 2\n"
			 "ddv load ./out/my-drv.ko\n");
	cr_assert_eq(conf.nsteps, 4);
	cr_assert_eq(conf.steps[2].line, 5);
	cr_assert_str_eq(plan_of("target: e1000\ninject: [ { filter: { phase: after-init, "
				 "caller: e1000_open.cold } } ]\n", &cat),
			 "ddv start\n"
			 "ddv inject off\n"
			 "ddv inject plan phase=after-init caller=e1000:e1000_open.cold\n"
			 "ddv load e1000\n");
}

/* A caller with a phase that includes the init: the calls FUNC makes in the driver's init. */
Test(yamlconf, filter_caller_in_init)
{
	cr_assert_str_eq(plan_of("target: e1000\ninject:\n"
				 "  - { mode: nth-any, n: 1 }\n"
				 "  - filter: { phase: init, caller: e1000_probe }\n", &cat),
			 "ddv start\n"
			 "ddv inject off\n"
			 "ddv inject plan phase=init caller=e1000:e1000_probe\n"
			 "ddv inject nth-any 1\n"
			 "ddv load e1000\n");
	cr_assert_str_eq(plan_of("target: e1000\n"
				 "inject: [ { filter: { caller: e1000_open, phase: any } } ]\n", &cat),
			 "ddv start\n"
			 "ddv inject off\n"
			 "ddv inject plan phase=any caller=e1000:e1000_open\n"
			 "ddv load e1000\n");
}

/* suppress: kept as written for ddv report; globs over rule ids are not checked against the catalogs. */
Test(yamlconf, suppress_patterns_kept)
{
	cr_assert_str_eq(plan_of("target: e1000\nsuppress:\n"
				 "  - heap.leak@e1000_probe+*\n"
				 "  - \" heap.double-free@e1000_free_* > e1000_remove* \"\n"
				 "  - ddv.hang\n"
				 "  - \"dma.*\"\n", &cat),
			 "ddv start\n"
			 "ddv load e1000\n"
			 "# ddv report --suppress 'heap.leak@e1000_probe+*'  (kept for ddv report)\n"
			 "# ddv report --suppress 'heap.double-free@e1000_free_* > e1000_remove*'  (kept "
			 "for ddv report)\n"
			 "# ddv report --suppress ddv.hang  (kept for ddv report)\n"
			 "# ddv report --suppress 'dma.*'  (kept for ddv report)\n");
	cr_assert_eq(conf.nsuppress, 4);
	cr_assert_str_eq(conf.suppress[1], "heap.double-free@e1000_free_* > e1000_remove*");
	/* A lone string is a list of one. */
	plan_of("target: e1000\nsuppress: heap.leak\n", &cat);
	cr_assert_eq(conf.nsuppress, 1);
}

/* Without catalogs the names are left to the runtime. */
Test(yamlconf, no_catalog_names_unchecked)
{
	cr_assert_str_eq(plan_of("target: e1000\npacks: [mine, ./ddv-x.ko]\n"
				 "rules: { off: [my.rule] }\n"
				 "inject: [ { mode: nth, function: my_alloc, n: 1 } ]\n", NULL),
			 "# packs: mine ./ddv-x.ko\n"
			 "ddv start\n"
			 "ddv off my.rule\n"
			 "ddv inject off\n"
			 "ddv inject nth my_alloc 1\n"
			 "ddv load e1000\n");
}

/* ---- garbage in: a diagnostic, never a crash ---- */

Test(yamlconf, unreadable_file)
{
	cr_assert_eq(yconf_load(&conf, "/nonexistent/x.yaml", &cat), 1);
	cr_assert_str_eq(conf.errors.s, "/nonexistent/x.yaml: error: No such file or directory\n");
}

Test(yamlconf, huge_input)
{
	size_t size = YCONF_MAX_SIZE + 1;
	char *big = malloc(size);

	memset(big, '#', size);
	yconf_parse(&conf, "big.yaml", big, size, &cat);
	cr_assert_str_eq(conf.errors.s,
			 "big.yaml:1:1: error: 1048577 bytes: a configuration is at most 1048576 "
			 "bytes\n");
	free(big);
}

Test(yamlconf, very_deep_nesting)
{
	size_t n = 100000;
	char *deep = malloc(n + 1);

	memset(deep, '[', n);
	deep[n] = 0;
	yconf_parse(&conf, "deep.yaml", deep, n, &cat);
	cr_assert_str_eq(conf.errors.s, "deep.yaml:1:17: error: nested deeper than 16 levels\n");
	free(deep);
}

Test(yamlconf, binary_module_as_yaml)
{
	void *data;
	size_t size;

	cr_assert_eq(read_whole_file(BINARY, &data, &size), 0);
	cr_assert_eq(yconf_parse(&conf, "e1000.ko", data, size, &cat), 1);
	cr_assert_str_eq(conf.errors.s, "e1000.ko:1:1: error: control characters are not allowed "
			 "(byte 0x7f)\n");
	free(data);
}

/* Every truncation and every one-byte change of the sample: errors or a plan, nothing else. */
Test(yamlconf, mutations_of_the_sample)
{
	static const char flips[] = { 0, '\n', ':', '[', '{', '-', '&', '*', '"', '\t', 'x', (char)0xc3 };
	unsigned long valid = 0, invalid = 0;
	size_t size;
	char *data;

	cr_assert_eq(read_whole_file(SAMPLE, (void **)&data, &size), 0);
	for (size_t len = 0; len < size; len++) {
		yconf_parse(&conf, "cut.yaml", data, len, &cat);
		conf.nerrors ? invalid++ : valid++;
		cr_assert(conf.nerrors ? conf.errors.len > 0 : conf.driver != NULL);
		yconf_free(&conf);
	}
	for (size_t i = 0; i < size; i++) {
		char keep = data[i];

		for (size_t f = 0; f < sizeof(flips); f++) {
			data[i] = flips[f];
			yconf_parse(&conf, "flip.yaml", data, size, &cat);
			conf.nerrors ? invalid++ : valid++;
			cr_assert(conf.nerrors ? conf.errors.len > 0 : conf.driver != NULL);
			yconf_free(&conf);
		}
		data[i] = keep;
	}
	free(data);
	/* Both outcomes happen: the mutations reach past the first line. */
	cr_assert_gt(valid, 0);
	cr_assert_gt(invalid, 0);
}

Test(yamlconf, random_bytes)
{
	unsigned long long x = 88172645463325252ull;
	char buf[512];

	for (int round = 0; round < 3000; round++) {
		size_t len = (size_t)(x % sizeof(buf));

		for (size_t i = 0; i < len; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			/* Mostly YAML's own punctuation, so the parser gets past the first byte. */
			buf[i] = "{}[]:,-&*!|>'\"#%@ \n\tab1."[x % 24];
			if (x % 97 == 0)
				buf[i] = (char)(x >> 8);
		}
		x ^= x << 13;
		yconf_parse(&conf, "rand.yaml", buf, len, &cat);
		cr_assert(conf.nerrors > 0 || conf.driver != NULL);
		yconf_free(&conf);
	}
}

/* A leading zero is decimal: "010" is ten, as anyone but YAML 1.1 reads it. */
Test(yamlconf, leading_zero_is_decimal)
{
	cr_assert_str_eq(plan_of("target: e1000\ninject: [ { mode: nth-any, n: 010 } ]\n", &cat),
			 "ddv start\nddv inject off\nddv inject nth-any 10\nddv load e1000\n");
}

/* What ddv config prints: each error, the file's line, a caret under the column. */
static const char *shown(const char *text)
{
	static char *buf;
	size_t len;
	FILE *f;

	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	yconf_parse(&conf, "t.yaml", text, strlen(text), &cat);
	yconf_print_errors(&conf, text, strlen(text), f);
	fclose(f);
	return buf;
}

Test(yamlconf, errors_show_line_and_caret)
{
	cr_assert_str_eq(shown("target: e1000\ninject: [ { mode: nht } ]\n"),
			 "t.yaml:2:19: error: inject[0].mode: unknown mode 'nht' (did you mean 'nth'?)\n"
			 "inject: [ { mode: nht } ]\n"
			 "                  ^\n");
}

/* Columns count characters, not bytes; a tab stays a tab under the line. */
Test(yamlconf, caret_counts_characters_and_keeps_tabs)
{
	cr_assert_str_eq(shown("target: e1000\nlog: { functions: [\xc3\xa9t\xc3\xa9],\tlevel: loud }\n"),
			 "t.yaml:2:20: error: log.functions[0]: no pack probes a function "
			 "'\xc3\xa9t\xc3\xa9'\n"
			 "log: { functions: [\xc3\xa9t\xc3\xa9],\tlevel: loud }\n"
			 "                   ^\n"
			 "t.yaml:2:33: error: log.level: unknown level 'loud'\n"
			 "log: { functions: [\xc3\xa9t\xc3\xa9],\tlevel: loud }\n"
			 "                        \t       ^\n");
}

/* A thousand mistakes: the first hundred listed, the rest counted, all in nerrors. */
Test(yamlconf, many_errors_are_capped)
{
	struct strbuf text = { 0 };
	const char *last;

	sb_puts(&text, "target: e1000\n");
	for (int i = 0; i < 1000; i++)
		sb_printf(&text, "k%d: 1\n", i);
	yconf_parse(&conf, "t.yaml", text.s, text.len, &cat);
	cr_assert_eq(conf.nerrors, 1000);
	cr_assert(!strncmp(conf.errors.s, "t.yaml:2:1: error: configuration: unknown key 'k0' ",
			   strlen("t.yaml:2:1: error: configuration: unknown key 'k0' ")));
	last = strstr(conf.errors.s, "t.yaml:101:1: error: configuration: unknown key 'k99' ");
	cr_assert_not_null(last);
	cr_assert_null(strstr(conf.errors.s, "'k100'"));
	cr_assert(strstr(last, "\nt.yaml: error: 900 more errors not shown\n") != NULL);
	sb_free(&text);
}
