/* test_campaign.c: the exhaustive campaign's loop pruning and journal (cli/prune.c, cli/journal.c). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "campaign.h"

/* A sequence from a pattern: each letter a call; "A*100" repeats the group before it. */
struct seq {
	uint64_t *keys;
	size_t n;
};

static void push(struct seq *s, uint64_t k)
{
	s->keys = realloc(s->keys, (s->n + 1) * sizeof(*s->keys));
	s->keys[s->n++] = k;
}

static void push_run(struct seq *s, const char *body, size_t times)
{
	for (size_t t = 0; t < times; t++)
		for (const char *c = body; *c; c++)
			push(s, (uint64_t)*c * 7919);
}

static size_t plan(const struct seq *s, size_t **out)
{
	return prune_plan(s->keys, s->n, 3, out);
}

static bool has(const size_t *v, size_t n, size_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

static void expect_increasing(const size_t *v, size_t n, size_t bound)
{
	for (size_t i = 0; i < n; i++) {
		cr_assert_lt(v[i], bound);
		if (i)
			cr_assert_lt(v[i - 1], v[i], "index %zu after %zu", v[i], v[i - 1]);
	}
}

Test(prune, no_loop_keeps_every_call)
{
	struct seq s = { 0 };
	size_t *p, n;

	push_run(&s, "ABCDEFGHIJ", 1);
	push_run(&s, "ABAB", 1);	/* repeats, but too few to prune */
	n = plan(&s, &p);
	cr_assert_eq(n, s.n);
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(p[i], i);
	free(p);
	free(s.keys);
}

Test(prune, empty_sequence)
{
	size_t *p, n = prune_plan(NULL, 0, 3, &p);

	cr_assert_eq(n, 0);
	free(p);
}

Test(prune, single_call_loop_keeps_three_at_each_end)
{
	struct seq s = { 0 };
	size_t *p, n;

	push_run(&s, "X", 1);
	push_run(&s, "A", 10000);
	push_run(&s, "YZ", 1);
	n = plan(&s, &p);
	/* X, A 1..3, A 9998..10000, Y, Z */
	cr_assert_eq(n, 1 + 6 + 2, "kept %zu", n);
	expect_increasing(p, n, s.n);
	for (size_t i = 0; i <= 3; i++)
		cr_assert(has(p, n, i));
	for (size_t i = 9998; i <= 10002; i++)
		cr_assert(has(p, n, i), "index %zu", i);
	cr_assert(!has(p, n, 4));
	cr_assert(!has(p, n, 5000));
	free(p);
	free(s.keys);
}

Test(prune, seven_repeats_are_the_threshold)
{
	struct seq s = { 0 };
	size_t *p, n;

	push_run(&s, "AB", 6);	/* 6 repeats = 2 x 3: nothing to save */
	n = plan(&s, &p);
	cr_assert_eq(n, 12);
	free(p);
	free(s.keys);
	memset(&s, 0, sizeof(s));
	push_run(&s, "AB", 7);	/* 7: the middle one goes */
	n = plan(&s, &p);
	cr_assert_eq(n, 12);
	cr_assert(!has(p, n, 6) && !has(p, n, 7));
	free(p);
	free(s.keys);
}

Test(prune, long_body_loops)
{
	struct seq s = { 0 };
	const char *body = "abcdefghijklmnopqrstuvwxyz0123456789";	/* 36 calls a repeat */
	size_t *p, n, len = strlen(body);

	push_run(&s, "S", 1);
	push_run(&s, body, 500);
	push_run(&s, "E", 1);
	n = plan(&s, &p);
	cr_assert_eq(n, 1 + 6 * len + 1, "kept %zu", n);
	expect_increasing(p, n, s.n);
	/* The first three and last three repeats whole. */
	for (size_t i = 1; i < 1 + 3 * len; i++)
		cr_assert(has(p, n, i));
	for (size_t i = 1 + 497 * len; i < 1 + 500 * len; i++)
		cr_assert(has(p, n, i));
	free(p);
	free(s.keys);
}

Test(prune, body_with_a_repeated_call_inside)
{
	struct seq s = { 0 };
	size_t *p, n;

	/* "AAB" repeated: the period is 3 although A follows A. */
	push_run(&s, "AAB", 1000);
	n = plan(&s, &p);
	cr_assert_eq(n, 6 * 3, "kept %zu", n);
	free(p);
	free(s.keys);
}

Test(prune, nested_loops_prune_inside_the_kept_repeats)
{
	struct seq s = { 0 };
	size_t *p, n;

	/* for 100: { for 50: A; B }: outer kept 6 times, each inner A run kept 6 of 50. */
	for (int i = 0; i < 100; i++) {
		push_run(&s, "A", 50);
		push_run(&s, "B", 1);
	}
	n = plan(&s, &p);
	cr_assert_eq(n, 6 * (6 + 1), "kept %zu", n);
	expect_increasing(p, n, s.n);
	/* The very first and very last calls are kept, as are the Bs of kept repeats. */
	cr_assert(has(p, n, 0));
	cr_assert(has(p, n, 50));
	cr_assert(has(p, n, s.n - 1));
	cr_assert(!has(p, n, 25));
	free(p);
	free(s.keys);
}

Test(prune, two_loops_back_to_back)
{
	struct seq s = { 0 };
	size_t *p, n;

	push_run(&s, "A", 100);
	push_run(&s, "B", 100);
	push_run(&s, "C", 2);
	n = plan(&s, &p);
	cr_assert_eq(n, 6 + 6 + 2, "kept %zu", n);
	cr_assert(has(p, n, 0) && has(p, n, 99) && has(p, n, 100) && has(p, n, 199));
	free(p);
	free(s.keys);
}

Test(prune, keep_one)
{
	struct seq s = { 0 };
	size_t *p, n;

	push_run(&s, "A", 10);
	n = prune_plan(s.keys, s.n, 1, &p);
	cr_assert_eq(n, 2);
	cr_assert_eq(p[0], 0);
	cr_assert_eq(p[1], 9);
	free(p);
	free(s.keys);
}

Test(prune, large_sequence_is_fast)
{
	struct seq s = { 0 };
	size_t *p, n;

	/* 200,000 calls: a driver with thousands of calls in loops, and noise around. */
	for (int i = 0; i < 1000; i++) {
		push(&s, 1000000 + i);
		push_run(&s, "AB", 100);
	}
	n = plan(&s, &p);
	/* Each distinct call, and 6 repeats of each of the 1000 "AB" loops. */
	cr_assert_eq(n, 1000 * (1 + 12), "kept %zu", n);
	free(p);
	free(s.keys);
}

/* --- journal ------------------------------------------------------------- */

static const char journal_text[] =
	"ddv-campaign 1 alloc_loop\n"
	"plan 1 kmalloc_trace@alloc_loop_init+0x2d\n"
	"plan 2 kmalloc_trace@alloc_loop_init+0x2d\n"
	"plan 10000 kmalloc_trace@alloc_loop_init+0x2d\n"
	"stack alloc_loop_init+0x2d alloc_loop_init+0x32 [alloc_loop] > ? > do_one_initcall+0x59\n"
	"total 10000\n"
	"start 1\n"
	"done 1 init-failed 1 kmalloc_trace@alloc_loop_init+0x2d\n"
	"start 2\n"
	"finding 2 heap.leak alloc_loop_init+0x2d\n"
	"finding 2 heap.double-free  rings_cleanup+0x40   rings_cleanup+0x45 [double_free] > ? > "
	"do_one_initcall+0x46\n"
	"done 2 init-failed 1 kmalloc_trace@alloc_loop_init+0x2d\n"
	"start 10000\n";

Test(journal, reads_back_what_was_written)
{
	struct journal j;

	cr_assert_eq(journal_parse(&j, journal_text, strlen(journal_text)), 0);
	cr_assert_str_eq(j.driver, "alloc_loop");
	cr_assert(j.recorded);
	cr_assert_eq(j.total, 10000);
	cr_assert_eq(j.nloads, 3);
	cr_assert_eq(j.loads[0].status, LOAD_INIT_FAILED);
	cr_assert_eq(j.loads[0].nfindings, 0);
	cr_assert_eq(j.loads[1].nfindings, 2);
	cr_assert_str_eq(j.loads[1].findings[0].rule, "heap.leak");
	cr_assert_str_eq(j.loads[1].findings[0].site, "alloc_loop_init+0x2d");
	/* The recording's one stack at a site: a leak's allocation stack. */
	cr_assert_str_eq(journal_site_stack(&j, "alloc_loop_init+0x2d"),
			 "alloc_loop_init+0x32 [alloc_loop] > ? > do_one_initcall+0x59");
	cr_assert_null(journal_site_stack(&j, "alloc_loop_init+0x2"));
	/* A leak has no stack; a violation's is the rest of its line, blanks inside kept. */
	cr_assert_null(j.loads[1].findings[0].stack);
	cr_assert_str_eq(j.loads[1].findings[1].rule, "heap.double-free");
	cr_assert_str_eq(j.loads[1].findings[1].site, "rings_cleanup+0x40");
	cr_assert_str_eq(j.loads[1].findings[1].stack,
			 "rings_cleanup+0x45 [double_free] > ? > do_one_initcall+0x46");
	cr_assert_str_eq(j.loads[1].fault, "kmalloc_trace@alloc_loop_init+0x2d");
	/* Load 10000 began and never ended: it is next, and known to have begun. */
	cr_assert_eq(journal_next(&j), &j.loads[2]);
	cr_assert(j.loads[2].started);
	cr_assert_eq(j.loads[2].status, LOAD_PENDING);
	cr_assert(!j.ended);
	journal_free(&j);
}

Test(journal, a_line_cut_short_is_left_out)
{
	struct journal j;
	/* Cut in the middle of "done 2 ...": load 2 is not done, its finding stays. */
	const char *cut = strstr(journal_text, "done 2") + 8;
	size_t len = cut - journal_text;

	cr_assert_eq(journal_parse(&j, journal_text, len), 0);
	cr_assert_eq(j.loads[1].status, LOAD_PENDING);
	cr_assert(j.loads[1].started);
	cr_assert_eq(journal_next(&j), &j.loads[1]);
	journal_free(&j);

	/* Cut inside the plan: the recording is incomplete (no total). */
	len = strstr(journal_text, "stack ") - journal_text - 3;
	cr_assert_eq(journal_parse(&j, journal_text, len), 0);
	cr_assert(!j.recorded);
	cr_assert_eq(j.nloads, 2);
	journal_free(&j);
}

Test(journal, every_truncation_parses)
{
	/* Whatever byte the machine died at, the journal reads back without error. */
	for (size_t len = strlen("ddv-campaign 1 alloc_loop\n"); len <= strlen(journal_text); len++) {
		struct journal j;

		cr_assert_eq(journal_parse(&j, journal_text, len), 0, "cut at %zu", len);
		journal_free(&j);
	}
}

Test(journal, resume_appends_a_later_verdict)
{
	struct journal j;
	char *text;

	/* The host's record of a VM that died under load 10000, then the next boot's loads. */
	text = xasprintf("%sdone 10000 lost 0 -\nend\n", journal_text);
	cr_assert_eq(journal_parse(&j, text, strlen(text)), 0);
	cr_assert_eq(j.loads[2].status, LOAD_LOST);
	cr_assert_null(j.loads[2].fault);
	cr_assert_null(journal_next(&j));
	cr_assert(j.ended);
	journal_free(&j);
	free(text);
	/* Another try of a load replaces what the first said, findings included. */
	text = xasprintf("%sfinding 10000 heap.leak x+0x1\ndone 10000 lost 0 -\n"
			 "start 10000\ndone 10000 init-failed 1 k@x+0x1\n", journal_text);
	cr_assert_eq(journal_parse(&j, text, strlen(text)), 0);
	cr_assert_eq(j.loads[2].status, LOAD_INIT_FAILED);
	cr_assert_eq(j.loads[2].nfindings, 0);
	journal_free(&j);
	free(text);
}

Test(journal, a_death_before_the_verdict)
{
	const char *died = "ddv-campaign 1 x\nrebind\nconsole 0 BUG: x\ndone 0 crash 0 -\n";
	const char *many = "ddv-campaign 1 x\nplan 1\nstart 1\ndone 1 crash many -\n";
	struct journal j;
	char *text;

	/* The host's line for a load whose guest died before its "done": injected unknown. */
	text = xasprintf("%sdone 10000 crash ? -\n", journal_text);
	cr_assert_eq(journal_parse(&j, text, strlen(text)), 0);
	cr_assert_eq(j.loads[2].status, LOAD_CRASH);
	cr_assert(j.loads[2].injected_unknown);
	cr_assert_eq(j.loads[2].injected, 0);
	cr_assert(!j.loads[1].injected_unknown);
	cr_assert_null(j.loads[2].console);
	journal_free(&j);
	free(text);
	/* With what the console said it died of: the rest of the line. */
	text = xasprintf("%sconsole 10000 Kernel panic - not syncing: Fatal exception\n"
			 "done 10000 crash ? -\n", journal_text);
	cr_assert_eq(journal_parse(&j, text, strlen(text)), 0);
	cr_assert_str_eq(j.loads[2].console, "Kernel panic - not syncing: Fatal exception");
	journal_free(&j);
	free(text);
	/* A later try that said it is known again. */
	text = xasprintf("%sdone 10000 crash ? -\nstart 10000\ndone 10000 ok 1 k@x+0x1\n",
			 journal_text);
	cr_assert_eq(journal_parse(&j, text, strlen(text)), 0);
	cr_assert(!j.loads[2].injected_unknown);
	cr_assert_eq(j.loads[2].injected, 1);
	journal_free(&j);
	free(text);
	/* The clean recording life died: its own status, no load's. */
	cr_assert_eq(journal_parse(&j, died, strlen(died)), 0);
	cr_assert_eq(j.recording.status, LOAD_CRASH);
	cr_assert_str_eq(j.recording.console, "BUG: x");
	cr_assert(!j.recorded);
	cr_assert_eq(j.nloads, 0);
	journal_free(&j);
	/* An injected count that is neither a number nor "?" makes no sense. */
	cr_assert_eq(journal_parse(&j, many, strlen(many)), 1);
	journal_free(&j);
}

Test(journal, nonsense)
{
	struct journal j;
	const char *other = "hello\n";
	const char *bad = "ddv-campaign 1 x\nplan 0 y\nstart 7\ndone 1 maybe 0 -\n";

	cr_assert_eq(journal_parse(&j, other, strlen(other)), -1);
	journal_free(&j);
	cr_assert_eq(journal_parse(&j, bad, strlen(bad)), 3);
	cr_assert_eq(j.nloads, 0);
	journal_free(&j);
}

Test(journal, console_copy_round_trip)
{
	struct strbuf sb = { 0 };
	char *line, *got;

	journal_echo_line("done 7 hang 1 kmalloc@f+0x10", &sb);
	cr_assert_eq(sb.s[sb.len - 1], '\n');
	sb.s[--sb.len] = '\0';
	/* A console line may carry a prefix (a shell's, a timestamp). */
	line = xasprintf("[   12.3] %s", sb.s);
	got = journal_unecho_line(line);
	cr_assert_not_null(got);
	cr_assert_str_eq(got, "done 7 hang 1 kmalloc@f+0x10");
	free(line);
	sb_free(&sb);
}

Test(journal, console_copy_cut_by_the_kernel_is_refused)
{
	struct strbuf sb = { 0 };
	char *line;

	journal_echo_line("finding 3 heap.leak f+0x10", &sb);
	sb.s[--sb.len] = '\0';
	/* The kernel's line in the middle of ours. */
	line = xasprintf("%.*s[   9.9] BUG: kernel NULL pointer dereference%s", 20, sb.s, sb.s + 20);
	cr_assert_null(journal_unecho_line(line));
	free(line);
	/* Cut short at the end. */
	line = xstrndup(sb.s, sb.len - 3);
	cr_assert_null(journal_unecho_line(line));
	free(line);
	/* No copy at all. */
	line = xstrdup("ddv: e1000 loaded");
	cr_assert_null(journal_unecho_line(line));
	free(line);
	sb_free(&sb);
}

Test(journal, sequential_plan_grows_until_total)
{
	const char *text = "ddv-campaign 1 d\nsequential\nplan 1\nstart 1\n"
			   "done 1 init-failed 1 k@f+0x1\nplan 2\nstart 2\ndone 2 ok 0 -\n";
	struct journal j;
	char *more;

	cr_assert_eq(journal_parse(&j, text, strlen(text)), 0);
	cr_assert(j.sequential);
	cr_assert(!j.recorded);
	cr_assert_eq(j.nloads, 2);
	cr_assert_null(j.loads[0].expect);
	cr_assert_null(journal_next(&j));
	journal_free(&j);
	more = xasprintf("%stotal 1\nend\n", text);
	cr_assert_eq(journal_parse(&j, more, strlen(more)), 0);
	cr_assert(j.recorded && j.ended);
	cr_assert_eq(j.total, 1);
	journal_free(&j);
	free(more);
}

/* The phases of the driver's life: which fallible calls each made; a bad line is left out. */
Test(journal, phases)
{
	static const char text[] =
		"ddv-campaign 1 drv\n"
		"plan 1 kmalloc_trace@drv_init+0x10\n"
		"plan 5 kmalloc_trace@act_set+0x20\n"
		"phase load 1 3\n"
		"phase workload 4 5\n"
		"phase unload 6 6\n"
		"phase rebind 9 7\n"
		"phase load 0 2\n"
		"phase load x 2\n"
		"recording 1\n"
		"total 6\n";
	struct journal j = { 0 };

	cr_assert_eq(journal_parse(&j, text, strlen(text)), 3, "three bad phase lines");
	cr_expect_eq(j.nphases, 3);
	cr_expect_str_eq(journal_phase_of(&j, 1), "load");
	cr_expect_str_eq(journal_phase_of(&j, 3), "load");
	cr_expect_str_eq(journal_phase_of(&j, 4), "workload");
	cr_expect_str_eq(journal_phase_of(&j, 5), "workload");
	cr_expect_str_eq(journal_phase_of(&j, 6), "unload");
	cr_expect_null(journal_phase_of(&j, 7));
	journal_free(&j);
	cr_expect_eq(j.nphases, 0);
}

/* --- shards and their merge ----------------------------------------------- */

/* Every load belongs to exactly one shard of N, and the shards are within one load of even. */
Test(shard, partition_is_disjoint_and_whole)
{
	for (unsigned int nshards = 1; nshards <= 7; nshards++) {
		size_t per[8] = { 0 };

		for (unsigned long n = 1; n <= 1000; n++) {
			unsigned int owners = 0;

			for (unsigned int k = 1; k <= nshards; k++) {
				struct journal j = { .shard = k, .nshards = nshards };

				if (journal_owns(&j, n)) {
					owners++;
					per[k]++;
				}
			}
			cr_assert_eq(owners, 1, "load %lu of %u shards: %u owners", n, nshards, owners);
		}
		for (unsigned int k = 1; k <= nshards; k++)
			cr_assert(per[k] >= 1000 / nshards && per[k] <= 1000 / nshards + 1,
				  "shard %u/%u has %zu loads", k, nshards, per[k]);
	}
}

/* A campaign of five planned loads; its life, recording and results. */
static const char whole_head[] =
	"ddv-campaign 1 /root/irq_leak.ko\n";
static const char whole_life[] =
	"workload echo 1 > /sys/module/irq_leak/parameters/act\n"
	"param act=0\n"
	"stack irq_leak_init+0x16 irq_leak_init+0x1b [irq_leak] > do_one_initcall+0x46\n"
	"uncovered alloc_chrdev_region\n"
	"uncovered misc_register\n"
	"phase load 1 4\n"
	"phase workload 5 5\n"
	"finding 0 heap.warn-only irq_leak_init+0x20\n"
	"recording 1\n"
	"plan 1 kmalloc_trace@irq_leak_init+0x16\n"
	"plan 2 request_threaded_irq@irq_leak_init+0x30\n"
	"plan 3 kmalloc_trace@irq_leak_init+0x40\n"
	"plan 7 kmalloc_trace@irq_leak_init+0x50\n"
	"plan 8 kmalloc_trace@irq_leak_act+0x10\n"
	"total 8\n";
/* Each load's result, by its number. */
static const char *const whole_loads[] = {
	"start 1\ndone 1 init-failed 1 kmalloc_trace@irq_leak_init+0x16\n",
	"start 2\nfinding 2 heap.leak irq_leak_init+0x16\n"
	"done 2 init-failed 1 request_threaded_irq@irq_leak_init+0x30\n",
	"start 3\ndone 3 ok 1 kmalloc_trace@irq_leak_init+0x40\n",
	"start 7\nfinding 7 irq.free-unrequested irq_leak_exit+0x9 irq_leak_exit+0xe [irq_leak]\n"
	"done 7 ok 1 kmalloc_trace@irq_leak_init+0x50\n",
	/* The guest died under load 8 before saying whether it injected. */
	"start 8\nconsole 8 BUG: kernel NULL pointer dereference\ndone 8 crash ? -\n",
};
static const unsigned long whole_ns[] = { 1, 2, 3, 7, 8 };

/* Shard k of n's journal, as that machine writes it: the same plan, its own loads only. */
static void shard_journal(unsigned int k, unsigned int n, struct journal *j)
{
	struct strbuf sb = { 0 };

	sb_printf(&sb, "%sshard %u %u\n%s", whole_head, k, n, whole_life);
	for (size_t i = 0; i < 5; i++)
		if ((whole_ns[i] - 1) % n == k - 1)
			sb_puts(&sb, whole_loads[i]);
	sb_puts(&sb, "end\n");
	cr_assert_eq(journal_parse(j, sb.s, sb.len), 0, "%s", sb.s);
	sb_free(&sb);
}

Test(shard, next_load_is_the_shards_own)
{
	struct journal j;
	struct strbuf sb = { 0 };

	sb_printf(&sb, "%sshard 2 3\n%s", whole_head, whole_life);
	cr_assert_eq(journal_parse(&j, sb.s, sb.len), 0);
	cr_assert_eq(j.shard, 2);
	cr_assert_eq(j.nshards, 3);
	cr_assert_str_eq(j.workload, "echo 1 > /sys/module/irq_leak/parameters/act");
	cr_assert_eq(j.nparams, 1);
	cr_assert_str_eq(j.params[0], "act=0");
	/* Loads 2 and 8 are shard 2/3's: (n - 1) mod 3 = 1. */
	cr_assert_eq(journal_planned(&j), 2);
	cr_assert_eq(journal_next(&j)->n, 2);
	j.loads[1].status = LOAD_OK;
	cr_assert_eq(journal_next(&j)->n, 8);
	j.loads[4].status = LOAD_OK;
	cr_assert_null(journal_next(&j));
	journal_free(&j);
	sb_free(&sb);
}

/* The shards merged are the whole campaign: every load's result, once, and the end. */
Test(shard, merge_gives_the_whole)
{
	for (unsigned int n = 1; n <= 4; n++) {
		struct journal shards[4], merged;
		struct strbuf text = { 0 }, want = { 0 };
		char *why;

		/* Given in any order: last first. */
		for (unsigned int k = 1; k <= n; k++)
			shard_journal(n + 1 - k, n, &shards[k - 1]);
		cr_assert_eq(journal_merge(shards, n, &text, &why), 0, "%u shards: %s", n, why);
		sb_puts(&want, whole_head);
		sb_puts(&want, whole_life);
		for (size_t i = 0; i < 5; i++)
			sb_puts(&want, whole_loads[i]);
		sb_puts(&want, "end\n");
		cr_assert_str_eq(text.s, want.s, "%u shards", n);
		cr_assert_eq(journal_parse(&merged, text.s, text.len), 0);
		cr_assert(merged.ended);
		cr_assert_eq(merged.nshards, 0);
		cr_assert_null(journal_next(&merged));
		cr_assert_eq(merged.recording.nfindings, 1);
		cr_assert_eq(merged.nuncovered, 2);
		cr_expect_str_eq(merged.uncovered[1], "misc_register");
		journal_free(&merged);
		for (unsigned int k = 0; k < n; k++)
			journal_free(&shards[k]);
		sb_free(&text);
		sb_free(&want);
	}
}

Test(shard, merge_refuses_what_does_not_add_up)
{
	struct journal shards[3], whole;
	struct strbuf text = { 0 }, sb = { 0 };
	char *why;

	shard_journal(1, 3, &shards[0]);
	shard_journal(3, 3, &shards[1]);
	cr_assert_eq(journal_merge(shards, 2, &text, &why), -1);
	cr_assert_str_eq(why, "2 journals given for 3 shards: every shard's journal is needed");
	free(why);
	shard_journal(3, 3, &shards[2]);
	cr_assert_eq(journal_merge(shards, 3, &text, &why), -1);
	cr_assert_str_eq(why, "journals 2 and 3 are both shard 3/3");
	free(why);
	journal_free(&shards[2]);
	/* Another recording: another plan. */
	sb_printf(&sb, "%sshard 2 3\n%s", whole_head, whole_life);
	sb.len -= strlen("total 8\n");
	sb_puts(&sb, "plan 9 kfree@irq_leak_exit+0x4\ntotal 9\n");
	cr_assert_eq(journal_parse(&shards[2], sb.s, sb.len), 0);
	cr_assert_eq(journal_merge(shards, 3, &text, &why), -1);
	cr_assert(strstr(why, "their recordings differ"), "%s", why);
	free(why);
	/* A whole campaign's journal is no shard. */
	sb.len = 0;
	sb_printf(&sb, "%s%s", whole_head, whole_life);
	cr_assert_eq(journal_parse(&whole, sb.s, sb.len), 0);
	cr_assert_eq(journal_merge(&whole, 1, &text, &why), -1);
	cr_assert(strstr(why, "not of a shard"), "%s", why);
	free(why);
	journal_free(&whole);
	for (unsigned int k = 0; k < 3; k++)
		journal_free(&shards[k]);
	sb_free(&sb);
	sb_free(&text);
}

/* --- the systematic plan ------------------------------------------------ */

static size_t sys_plan(const uint64_t *ids, const bool *skip, size_t n,
		       struct systematic_pick **out, size_t *distinct)
{
	bool *none = calloc(n ? n : 1, sizeof(*none));
	size_t np = systematic_plan(ids, skip ? skip : none, n, out, distinct);

	free(none);
	return np;
}

Test(systematic, each_stack_at_its_first_and_second_call)
{
	/* A B A A C B A: A three times more, B once more, C once. */
	const uint64_t ids[] = { 0xa, 0xb, 0xa, 0xa, 0xc, 0xb, 0xa };
	struct systematic_pick *p;
	size_t distinct, n = sys_plan(ids, NULL, 7, &p, &distinct);

	cr_assert_eq(distinct, 3);
	cr_assert_eq(n, 5);
	cr_assert_eq(p[0].index, 0);
	cr_assert_eq(p[0].nth, 1);
	cr_assert_eq(p[1].index, 1);
	cr_assert_eq(p[1].nth, 1);
	cr_assert_eq(p[2].index, 2);
	cr_assert_eq(p[2].nth, 2);
	cr_assert_eq(p[3].index, 4);
	cr_assert_eq(p[3].nth, 1);
	cr_assert_eq(p[4].index, 5);
	cr_assert_eq(p[4].nth, 2);
	free(p);
}

Test(systematic, a_long_loop_takes_two_loads)
{
	/* alloc_loop: 10,000 calls of one stack between two others, interleaved with frees. */
	size_t n = 10002, distinct, np;
	uint64_t *ids = malloc(n * sizeof(*ids));
	struct systematic_pick *p;

	ids[0] = 1;
	for (size_t i = 1; i <= 10000; i++)
		ids[i] = 0x5eed;
	ids[n - 1] = 2;
	np = sys_plan(ids, NULL, n, &p, &distinct);
	cr_assert_eq(distinct, 3);
	cr_assert_eq(np, 4);
	cr_assert_eq(p[1].index, 1);
	cr_assert_eq(p[2].index, 2);
	cr_assert_eq(p[2].nth, 2);
	cr_assert_eq(p[3].index, n - 1);
	free(p);
	free(ids);
}

Test(systematic, excluded_calls_are_never_picked)
{
	const uint64_t ids[] = { 0xa, 0xb, 0xa, 0xb };
	const bool skip[] = { true, false, true, false };
	struct systematic_pick *p;
	size_t distinct, n = sys_plan(ids, skip, 4, &p, &distinct);

	cr_assert_eq(distinct, 2);
	cr_assert_eq(n, 2);
	cr_assert_eq(p[0].index, 1);
	cr_assert_eq(p[1].index, 3);
	cr_assert_eq(p[1].nth, 2);
	free(p);
}

Test(systematic, empty)
{
	struct systematic_pick *p;
	size_t distinct, n = sys_plan(NULL, NULL, 0, &p, &distinct);

	cr_assert_eq(n, 0);
	cr_assert_eq(distinct, 0);
	free(p);
}

Test(journal, systematic_plan_lines)
{
	static const char text[] =
		"ddv-campaign 1 alloc_loop\n"
		"mode systematic\n"
		"plan 1 __kmalloc@alloc_loop_init+0x2d 0x8c1f00d2e1a07b31 1\n"
		"plan 2 __kmalloc@alloc_loop_init+0x2d 0x8c1f00d2e1a07b31 2\n"
		"recording 1\n"
		"total 10000\n"
		"start 2\n"
		"finding 2 heap.leak alloc_loop_init+0x2d\n"
		"done 2 init-failed 1 __kmalloc@alloc_loop_init+0x2d\n";
	struct journal j;

	cr_assert_eq(journal_parse(&j, text, strlen(text)), 0);
	cr_assert(j.systematic);
	cr_assert_eq(j.nloads, 2);
	cr_assert_eq(j.loads[0].stack_id, 0x8c1f00d2e1a07b31ull);
	cr_assert_eq(j.loads[0].stack_nth, 1);
	cr_assert_eq(j.loads[1].stack_nth, 2);
	cr_assert_eq(j.loads[1].nfindings, 1);
	journal_free(&j);
	/* An identity that is no hex number, or 0, is no plan line. */
	cr_assert_eq(journal_parse(&j, "ddv-campaign 1 x\nplan 1 f@g+0x1 0xzz 1\n", strlen("ddv-campaign 1 x\nplan 1 f@g+0x1 0xzz 1\n")), 1);
	journal_free(&j);
	cr_assert_eq(journal_parse(&j, "ddv-campaign 1 x\nplan 1 f@g+0x1 0 1\n", strlen("ddv-campaign 1 x\nplan 1 f@g+0x1 0 1\n")), 1);
	journal_free(&j);
	cr_assert_eq(journal_parse(&j, "ddv-campaign 1 x\nmode random\n", strlen("ddv-campaign 1 x\nmode random\n")), 1);
	journal_free(&j);
}

/* --- --exclude: one test for the plan and for ddv load's site table ---------- */

Test(exclude, symbol_api_site_and_function)
{
	char *globs[] = { "kmalloc*", "probe_one", "rings_init+0x4?" };

	/* The symbol, or the API the packs name it by. */
	cr_assert(call_excluded(globs, 1, "kmalloc_trace", NULL, "f", 0x10));
	cr_assert(call_excluded(globs, 1, "__kmalloc", "kmalloc", "f", 0x10));
	cr_assert(!call_excluded(globs, 1, "__kmalloc", NULL, "f", 0x10));
	/* Every call the driver function makes, and no other function's. */
	cr_assert(call_excluded(globs, 2, "vmalloc", NULL, "probe_one", 0x2d));
	cr_assert(!call_excluded(globs, 2, "vmalloc", NULL, "probe_one_more", 0x2d));
	/* One site, as func+0xoff in hex. */
	cr_assert(call_excluded(globs, 3, "vmalloc", NULL, "rings_init", 0x45));
	cr_assert(!call_excluded(globs, 3, "vmalloc", NULL, "rings_init", 0x145));
	/* No glob: nothing is left out. */
	cr_assert(!call_excluded(globs, 0, "kmalloc_trace", "kmalloc", "probe_one", 0));
}

Test(journal, exclude_lines)
{
	static const char text[] = "ddv-campaign 1 d\nexclude kmalloc*\nexclude probe_one\n"
				   "plan 1 vmalloc@f+0x1\ntotal 1\n";
	struct journal j;

	cr_assert_eq(journal_parse(&j, text, strlen(text)), 0);
	cr_assert_eq(j.nexcludes, 2);
	cr_assert_str_eq(j.excludes[0], "kmalloc*");
	cr_assert_str_eq(j.excludes[1], "probe_one");
	journal_free(&j);
}
