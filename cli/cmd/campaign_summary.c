/*
 * campaign_summary.c: what "ddv campaign" prints for each load and at the
 * end, from the journal: as text, or for CI as KTAP or JUnit (cireport.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaign_cmd.h"

/*
 * Findings of one rule at one site (a leak: its allocation site). The stacks
 * that reach the site are counted, not grouped apart: the driver's outer
 * paths (unbind or unload, each caller of a shared free helper) would split
 * one defect into many groups.
 */
struct finding_group {
	const char *rule;
	const char *site;
	const char *stack;	/* the first load's, NULL: none */
	const char **stacks;	/* the distinct stacks seen, the first included */
	unsigned int nstacks;
	unsigned long first;	/* the first load that showed it */
	const char *fault;
	unsigned int findings;	/* over all loads: a load may show several */
	unsigned long *load_ns;	/* the loads that showed it, each once */
	unsigned int nload_ns;
};

/* Loads listed with a group; more are counted. */
#define GROUP_LOADS_SHOWN 20

static const char *status_text(enum load_status s)
{
	switch (s) {
	case LOAD_OK:
		return "loaded and unloaded";
	case LOAD_INIT_FAILED:
		return "init failed";
	case LOAD_HANG:
		return "init HANGS";
	case LOAD_FAILED:
		return "load failed";
	case LOAD_CRASH:
		return "CRASHED (oops: the loader was killed)";
	case LOAD_LOST:
		return "machine LOST (the VM hung or was killed)";
	default:
		return "not tried";
	}
}

/* A load's fault when its machine died before the guest said whether it injected. */
#define FAULT_UNKNOWN "unknown (the machine died before saying)"

/* Whether load L ran a call sequence other than the recording's: it failed another call. */
static bool diverged(const struct journal_load *L)
{
	return L->expect && !L->injected_unknown && (!L->fault || strcmp(L->expect, L->fault));
}

/*
 * The line "ddv campaign" prints for each load (and for the clean recording
 * life when it died), from the journal; phase: where the recording made call
 * n, named unless it is the load itself.
 */
void print_load_line(const struct campaign *c, const struct journal_load *L, const char *phase)
{
	FILE *out = campaign_lines(c);
	unsigned int nf = L->nfindings;

	if (phase && !strcmp(phase, "load"))
		phase = NULL;
	if (L->n)
		fprintf(out, "load %lu%s%s%s: ", L->n, phase ? " (" : "", phase ? phase : "",
			phase ? ")" : "");
	else
		fputs("the clean recording life: ", out);
	/* A load whose machine died before its verdict: whether it injected is not known. */
	fprintf(out, "%s%s, %s, %u finding%s",
		L->injected_unknown ? "fault " FAULT_UNKNOWN :
		L->injected ? "fault in " : "no fault injected", L->injected ? L->fault : "",
		status_text(L->status), nf, nf == 1 ? "" : "s");
	if (diverged(L))
		fprintf(out, " (planned: %s: the call sequence differs from the recording)",
			L->expect);
	else if (L->expect && L->injected_unknown)
		fprintf(out, " (planned: %s)", L->expect);
	if (L->console)
		fprintf(out, " (console: %s)", L->console);
	fputc('\n', out);
	fflush(out);
}

FILE *campaign_lines(const struct campaign *c)
{
	return c->format == CI_TEXT ? stdout : stderr;
}

/* What the journal's loads add up to. */
struct tally {
	unsigned int by_status[LOAD_NSTATUS];
	unsigned int faults;	/* injected */
	unsigned int unknown;	/* loads whose machine died before saying whether they injected */
	unsigned int findings;
	unsigned int diverged;	/* loads off the recorded sequence */
	size_t tried;
	struct finding_group *groups;
	size_t ngroups;
};

/* Counts finding F of load L in its group, the group made when it is the first. */
static void group_finding(struct tally *t, const struct journal_load *L,
			  const struct journal_finding *F)
{
	struct finding_group *G;
	size_t g;

	for (g = 0; g < t->ngroups; g++)
		if (!strcmp(t->groups[g].rule, F->rule) && !strcmp(t->groups[g].site, F->site))
			break;
	if (g == t->ngroups) {
		t->groups = xrealloc(t->groups, (t->ngroups + 1) * sizeof(*t->groups));
		t->groups[t->ngroups++] = (struct finding_group){
			.rule = F->rule, .site = F->site, .stack = F->stack,
			.first = L->n, .fault = L->fault,
		};
	}
	G = &t->groups[g];
	G->findings++;
	if (F->stack) {
		unsigned int i = 0;

		if (!G->stack)
			G->stack = F->stack;

		while (i < G->nstacks && strcmp(G->stacks[i], F->stack))
			i++;
		if (i == G->nstacks) {
			G->stacks = xrealloc(G->stacks, (G->nstacks + 1) * sizeof(*G->stacks));
			G->stacks[G->nstacks++] = F->stack;
		}
	}
	if (!G->nload_ns || G->load_ns[G->nload_ns - 1] != L->n) {
		G->load_ns = xrealloc(G->load_ns, (G->nload_ns + 1) * sizeof(*G->load_ns));
		G->load_ns[G->nload_ns++] = L->n;
	}
}

static void tally_loads(const struct journal *jn, struct tally *t)
{
	/* The clean recording life's own findings count: no fault was needed for them. */
	if (jn->recording.status != LOAD_PENDING)
		t->by_status[jn->recording.status]++;	/* it died: a crash of its own */
	for (unsigned int f = 0; f < jn->recording.nfindings; f++) {
		t->findings++;
		group_finding(t, &jn->recording, &jn->recording.findings[f]);
	}
	for (size_t i = 0; i < jn->nloads; i++) {
		const struct journal_load *L = &jn->loads[i];

		t->by_status[L->status]++;
		if (L->status == LOAD_PENDING)
			continue;	/* another shard's too */
		t->tried++;
		t->faults += L->injected;
		t->unknown += L->injected_unknown;
		if (diverged(L) && L->status != LOAD_CRASH && L->status != LOAD_LOST)
			t->diverged++;
		for (unsigned int f = 0; f < L->nfindings; f++) {
			t->findings++;
			group_finding(t, L, &L->findings[f]);
		}
	}
}

/* How to reproduce load n: before, the inject and load, then after. */
struct reproducer {
	const char *before;	/* --setup's line and "; ", or "" */
	const char *family;	/* ddv load's options: "--with MOD,... " or "--alone ", --exclude's */
	const char *driver;
	const char *after;	/* the load's words, then the rest of the life */
	const char *module;	/* the driver's kernel name when its source lines can be named */
};

/* The commands that make load n again (0: the clean recording life). */
static void reproducer_command(struct strbuf *sb, const struct journal *jn,
			       const struct reproducer *r, unsigned long n)
{
	const struct journal_load *L = n ? journal_find((struct journal *)jn, n) : NULL;

	if (!n)
		sb_printf(sb, "%sddv load %s%s%s", r->before, r->family, r->driver, r->after);
	else if (L && L->stack_id)
		sb_printf(sb, "%sddv inject stack %#llx %lu; ddv load %s%s%s", r->before,
			  (unsigned long long)L->stack_id, L->stack_nth, r->family, r->driver,
			  r->after);
	else
		sb_printf(sb, "%sddv inject nth-any %lu; ddv load %s%s%s", r->before, n, r->family,
			  r->driver, r->after);
}

static void add_reproducer(struct strbuf *sb, const struct journal *jn,
			   const struct reproducer *r, unsigned long n)
{
	sb_puts(sb, "    reproduce: ");
	reproducer_command(sb, jn, r, n);
	sb_puts(sb, "\n");
}

/* "    source: PLACE" of a group's site (a call's first byte, or a RIP), from the driver's DWARF. */
static void group_source(struct strbuf *sb, const struct finding_group *G,
			 const struct reproducer *r)
{
	struct srcloc loc;
	char *frame;

	if (!r->module || !G->site || !strcmp(G->site, "-"))
		return;
	frame = xasprintf("%s [%s]", G->site, r->module);
	if (modsyms_frame_source(frame, true, &loc)) {
		sb_puts(sb, "    source: ");
		srcloc_text(&loc, sb);
		sb_puts(sb, "\n");
		srcloc_free(&loc);
	}
	free(frame);
}

/* A group of findings: its first line, then its stack, reproducer and other loads. */
static void group_text(struct strbuf *sb, const struct journal *jn,
		       const struct finding_group *G, const struct reproducer *r)
{
	const char *phase = journal_phase_of(jn, G->first);

	if (!G->first)
		sb_printf(sb, "%s at %s: %u load%s, first the clean recording (no fault injected)\n",
			  G->rule, G->site, G->nload_ns, G->nload_ns == 1 ? "" : "s");
	else
		sb_printf(sb, "%s at %s: %u load%s, first load %lu (fault in %s%s%s)\n", G->rule,
			  G->site, G->nload_ns, G->nload_ns == 1 ? "" : "s", G->first,
			  G->fault ? G->fault : "none", phase ? ", phase " : "", phase ? phase : "");
	if (G->findings > G->nload_ns)
		sb_printf(sb, "    %u findings in those loads (several in one load)\n", G->findings);
	group_source(sb, G, r);
	if (G->stack && G->nstacks > 1)
		sb_printf(sb, "    stack (the first load's; %u distinct stacks reach the site): %s\n",
			  G->nstacks, G->stack);
	else if (G->stack)
		sb_printf(sb, "    stack: %s\n", G->stack);
	else if (journal_site_stack(jn, G->site))
		sb_printf(sb, "    allocation stack (the clean load's only one there): %s\n",
			  journal_site_stack(jn, G->site));
	add_reproducer(sb, jn, r, G->first);
	if (G->nload_ns > 1) {
		sb_printf(sb, "    also on loads%s:", jn->systematic ? "" : " (ddv inject nth-any N)");
		for (unsigned int i = 1; i < G->nload_ns && i <= GROUP_LOADS_SHOWN; i++)
			sb_printf(sb, " %lu", G->load_ns[i]);
		if (G->nload_ns > GROUP_LOADS_SHOWN + 1)
			sb_printf(sb, " and %u more", G->nload_ns - GROUP_LOADS_SHOWN - 1);
		sb_puts(sb, "\n");
	}
}

static bool is_stop(const struct journal_load *L)
{
	return L->status == LOAD_HANG || L->status == LOAD_CRASH || L->status == LOAD_LOST;
}

static const char *stop_rule(const struct journal_load *L)
{
	return L->status == LOAD_HANG ? "ddv.hang" : L->status == LOAD_CRASH ? "ddv.crash" :
	       "ddv.machine-lost";
}

/* A hang, crash or lost machine, and the command that reproduces it. */
static void stop_text(struct strbuf *sb, const struct journal *jn, const struct journal_load *L,
		      const struct reproducer *r)
{
	sb_printf(sb, "%s: %s ", stop_rule(L),
		  L->status == LOAD_HANG ? "init never returned" :
		  L->status == LOAD_CRASH ? "the kernel oopsed" : "the VM stopped answering");
	if (!L->n)
		sb_puts(sb, "in the clean recording life (no fault injected)\n");
	else if (L->injected_unknown)
		sb_printf(sb, "on load %lu (fault unknown: the machine died before saying; planned: "
			  "%s)\n", L->n, L->expect ? L->expect : "?");
	else
		sb_printf(sb, "on load %lu (fault in %s)\n", L->n,
			  L->fault ? L->fault : L->expect ? L->expect : "?");
	if (L->console)
		sb_printf(sb, "    console: %s\n", L->console);
	add_reproducer(sb, jn, r, L->n);
}

/* The i-th stop (0: the recording's, when it died), or NULL when it is none. */
static const struct journal_load *stop_at(const struct journal *jn, size_t i)
{
	const struct journal_load *L = i ? &jn->loads[i - 1] : &jn->recording;

	return is_stop(L) ? L : NULL;
}

/* Each group of findings, then each stop, as text. */
static void print_groups(const struct journal *jn, const struct tally *t,
			 const struct reproducer *r)
{
	struct strbuf sb = { 0 };

	if (t->ngroups)
		sb_puts(&sb, "findings by rule and site (a leak: its allocation site):\n");
	for (size_t g = 0; g < t->ngroups; g++) {
		sb_puts(&sb, "  ");
		group_text(&sb, jn, &t->groups[g], r);
	}
	for (size_t i = 0; i <= jn->nloads; i++)
		if (stop_at(jn, i)) {
			sb_puts(&sb, "  ");
			stop_text(&sb, jn, stop_at(jn, i), r);
		}
	if (sb.s)
		fputs(sb.s, stdout);
	sb_free(&sb);
}

/* " (shard K/N)", or "" for a whole campaign. */
static const char *shard_name(const struct journal *jn)
{
	static char name[48];

	if (!jn->nshards)
		return "";
	snprintf(name, sizeof(name), " (shard %u/%u)", jn->shard, jn->nshards);
	return name;
}

/* Whether loads of the plan (this shard's) were left untried, or no plan was made. */
static bool campaign_stopped(const struct journal *jn, const struct tally *t)
{
	return t->tried < journal_planned(jn) || !jn->recorded;
}

/* The findings of each rule, over its groups, in the order the rules came. */
static void print_rule_counts(const struct tally *t)
{
	for (size_t g = 0; g < t->ngroups; g++) {
		unsigned int n = 0;
		bool first = true;

		for (size_t h = 0; h < g; h++)
			first &= strcmp(t->groups[h].rule, t->groups[g].rule) != 0;
		if (!first)
			continue;
		for (size_t h = g; h < t->ngroups; h++)
			if (!strcmp(t->groups[h].rule, t->groups[g].rule))
				n += t->groups[h].findings;
		printf("    %-32s %u\n", t->groups[g].rule, n);
	}
}

/* The summary's last line: "campaign M: N loads, ...". */
static void last_line(struct strbuf *sb, const struct journal *jn, const struct tally *t,
		      const struct campaign *c)
{
	sb_printf(sb, "campaign %s%s: %zu loads, %u faults injected, %u failed inits, %u finding%s",
		  c->module, shard_name(jn), t->tried, t->faults, t->by_status[LOAD_INIT_FAILED],
		  t->findings, t->findings == 1 ? "" : "s");
	if (is_stop(&jn->recording))
		sb_printf(sb, ", the clean recording life died (%s)", stop_rule(&jn->recording));
	if (campaign_stopped(jn, t))
		sb_puts(sb, " (stopped: not every planned load was tried)");
}

/* The summary's table and its last line. */
static void print_table(const struct journal *jn, const struct tally *t,
			const struct campaign *c, unsigned int nsuppressed)
{
	struct strbuf line = { 0 };
	size_t planned = journal_planned(jn);

	printf("campaign %s summary:\n", c->module);
	if (jn->recorded)
		printf("  %-34s %lu%s\n", "fallible calls in a clean load", jn->total,
		       jn->sequential ? " (counted by the loads: no recording)" : "");
	else
		printf("  %-34s not known yet (no recording: one call after the other)\n",
		       "fallible calls in a clean load");
	printf("  %-34s %zu (%lu saved by %s)\n", "loads planned", jn->nloads,
	       jn->total > jn->nloads ? (unsigned long)(jn->total - jn->nloads) : 0ul,
	       jn->systematic ? "failing each distinct stack" : "loop pruning");
	if (jn->nshards)
		printf("  %-34s %zu (shard %u of %u: load n when (n - 1) mod %u = %u)\n",
		       "loads of this shard", planned, jn->shard, jn->nshards, jn->nshards,
		       jn->shard - 1);
	printf("  %-34s %zu of %zu\n", "loads tried", t->tried, planned);
	printf("  %-34s %lu\n", "recording loads", jn->recording_loads);
	printf("  %-34s %u\n", "faults injected", t->faults);
	if (t->unknown)
		printf("  %-34s %u\n", "fault unknown (machine died first)", t->unknown);
	printf("  %-34s %u\n", "inits failed", t->by_status[LOAD_INIT_FAILED]);
	printf("  %-34s %u\n", "hangs", t->by_status[LOAD_HANG]);
	printf("  %-34s %u%s\n", "crashes (oops)", t->by_status[LOAD_CRASH],
	       jn->recording.status == LOAD_CRASH ? " (the clean recording life's included)" : "");
	printf("  %-34s %u\n", "machine lost (VM hung or killed)", t->by_status[LOAD_LOST]);
	printf("  %-34s %u\n", "loads off the recorded sequence", t->diverged);
	printf("  %-34s %u\n", "findings", t->findings);
	printf("  %-34s %zu\n", "distinct (rule and site)", t->ngroups);
	print_rule_counts(t);
	if (nsuppressed)
		printf("  %-34s %u (this run)\n", "findings suppressed", nsuppressed);
	for (unsigned int i = 0; nsuppressed && i < c->supp.n; i++)
		if (c->supp.v[i].hits)
			printf("    %-32s %u\n", c->supp.v[i].text, c->supp.v[i].hits);
	if (jn->nuncovered)
		printf("  %-34s %zu\n", "called with no contract", jn->nuncovered);
	for (size_t i = 0; i < jn->nuncovered; i++)
		printf("    %s\n", jn->uncovered[i]);
	last_line(&line, jn, t, c);
	printf("%s\n", line.s);
	sb_free(&line);
}

/* A failing case: its text's first line the message, the whole text the detail. */
static void add_case(struct ci_result *ci, const char *rule, const char *name, const char *text)
{
	char *message = xstrndup(text, strcspn(text, "\n"));

	ci_add(ci, CI_FAIL, rule, name, message, text);
	free(message);
}

/*
 * The campaign for CI (cireport.h): a failing case per group of findings and
 * per stop, then the case "campaign": an error when nothing was planned nor
 * tried, skipped when loads of the plan were not tried.
 */
static void print_ci(const struct journal *jn, const struct tally *t, const struct campaign *c,
		     const struct reproducer *r)
{
	struct ci_result ci = { .title = xasprintf("ddv campaign %s", c->module) };
	struct strbuf text = { 0 }, name = { 0 }, out = { 0 };

	for (size_t g = 0; g < t->ngroups; g++) {
		const struct finding_group *G = &t->groups[g];

		text.len = name.len = 0;
		group_text(&text, jn, G, r);
		sb_printf(&name, "%s: %s, first load %lu", c->module, G->site, G->first);
		add_case(&ci, G->rule, name.s, text.s);
	}
	for (size_t i = 0; i <= jn->nloads; i++) {
		const struct journal_load *L = stop_at(jn, i);

		if (!L)
			continue;
		text.len = name.len = 0;
		stop_text(&text, jn, L, r);
		if (L->n)
			sb_printf(&name, "%s: load %lu", c->module, L->n);
		else
			sb_printf(&name, "%s: the clean recording life", c->module);
		add_case(&ci, stop_rule(L), name.s, text.s);
	}
	text.len = 0;
	last_line(&text, jn, t, c);
	ci.summary = xstrdup(text.s);
	if (!jn->recorded && !t->tried)
		ci_add(&ci, CI_ERROR, "ddv", "campaign",
		       "nothing was checked: no plan was made and no load was tried", NULL);
	else
		ci_add(&ci, campaign_stopped(jn, t) ? CI_SKIP : CI_PASS, "ddv", "campaign",
		       text.s, NULL);
	ci_write(&ci, c->format, &out);
	fputs(out.s, stdout);
	ci_free(&ci);
	sb_free(&out);
	sb_free(&text);
	sb_free(&name);
}
/* A stack as the journal keeps it, " > " between frames, as the page's frames. */
static void html_frames(struct html_finding *f, const char *stack)
{
	while (stack && *stack) {
		const char *sep = strstr(stack, " > ");
		char *frame = xstrndup(stack, sep ? (size_t)(sep - stack) : strlen(stack));

		html_add_frame(f, frame);
		free(frame);
		stack = sep ? sep + 3 : NULL;
	}
}

/* Each group of findings, then each stop, on the page (group_text's and stop_text's facts). */
static void html_findings(struct html_page *p, const struct journal *jn, const struct tally *t,
			  const struct campaign *c, const struct reproducer *r)
{
	struct strbuf sb = { 0 };

	for (size_t g = 0; g < t->ngroups; g++) {
		const struct finding_group *G = &t->groups[g];
		const char *phase = journal_phase_of(jn, G->first);
		struct html_finding *f;

		sb.len = 0;
		sb_printf(&sb, "%u load%s, %u finding%s, ", G->nload_ns, G->nload_ns == 1 ? "" : "s",
			  G->findings, G->findings == 1 ? "" : "s");
		if (G->first)
			sb_printf(&sb, "first on load %lu", G->first);
		else
			sb_puts(&sb, "first in the clean recording life");
		if (G->nstacks > 1)
			sb_printf(&sb, "; %u distinct stacks reach the site, the first load's shown",
				  G->nstacks);
		f = html_add_finding(p, G->rule, NULL, sb.s);
		f->count = G->findings;
		f->driver = xstrdup(c->module);
		f->site = xstrdup(G->site);
		html_frames(f, G->stack ? G->stack : journal_site_stack(jn, G->site));
		if (!G->stack && journal_site_stack(jn, G->site))
			f->call = xstrdup("(stack: the clean load's only one at this allocation site)");
		if (G->first)
			f->fault = xasprintf("%s%s%s", G->fault ? G->fault : "none",
					     phase ? ", phase " : "", phase ? phase : "");
		sb.len = 0;
		reproducer_command(&sb, jn, r, G->first);
		f->reproducer = xstrdup(sb.s);
		if (G->nload_ns > 1) {
			sb.len = 0;
			sb_puts(&sb, "also on loads");
			for (unsigned int i = 1; i < G->nload_ns && i <= GROUP_LOADS_SHOWN; i++)
				sb_printf(&sb, " %lu", G->load_ns[i]);
			if (G->nload_ns > GROUP_LOADS_SHOWN + 1)
				sb_printf(&sb, " and %u more", G->nload_ns - GROUP_LOADS_SHOWN - 1);
			f->note = xstrdup(sb.s);
		}
	}
	for (size_t i = 0; i <= jn->nloads; i++) {
		const struct journal_load *L = stop_at(jn, i);
		struct html_finding *f;

		if (!L)
			continue;
		sb.len = 0;
		stop_text(&sb, jn, L, r);
		sb.s[strcspn(sb.s, "\n")] = '\0';
		f = html_add_finding(p, stop_rule(L), "error", strchr(sb.s, ' ') + 1);
		f->driver = xstrdup(c->module);
		f->fault = xstrdup(!L->n ? "none (the clean recording life)" :
				   L->injected_unknown ? FAULT_UNKNOWN :
				   L->fault ? L->fault : L->expect ? L->expect : "?");
		sb.len = 0;
		reproducer_command(&sb, jn, r, L->n);
		f->reproducer = xstrdup(sb.s);
	}
	sb_free(&sb);
}

/* One load's row and its points on the timeline. */
static void html_load(struct html_page *p, const struct journal *jn, const struct journal_load *L)
{
	struct html_load *row = html_add_load(p, L->n);
	const char *phase = journal_phase_of(jn, L->n);
	struct strbuf sb = { 0 };

	row->phase = phase ? xstrdup(phase) : NULL;
	row->fault = L->injected && L->fault ? xstrdup(L->fault) :
		     L->injected_unknown ? xstrdup(FAULT_UNKNOWN) : NULL;
	row->outcome = xstrdup(L->n ? status_text(L->status) : "clean recording life");
	row->bad = is_stop(L);
	if (L->injected && L->fault)
		html_add_mark(p, L->n, MARK_FAULT, "%s", L->fault);
	for (unsigned int f = 0; f < L->nfindings; f++) {
		sb_printf(&sb, "%s at %s\n", L->findings[f].rule, L->findings[f].site);
		html_add_mark(p, L->n, MARK_FINDING, "%s at %s", L->findings[f].rule,
			      L->findings[f].site);
	}
	if (row->bad)
		html_add_mark(p, L->n, MARK_STOP, "%s: %s", stop_rule(L), status_text(L->status));
	if (sb.len)
		sb.s[--sb.len] = '\0';
	row->findings = sb.s;
}

/* The page of the campaign (--html FILE): 0, or -1 when it could not be written (said). */
static int write_html(const struct journal *jn, const struct tally *t, const struct campaign *c,
		      const struct reproducer *r, unsigned int nsuppressed)
{
	struct html_page p = { .campaign = true };
	struct strbuf line = { 0 };
	int err;

	p.title = xasprintf("ddv campaign %s%s", c->module, shard_name(jn));
	last_line(&line, jn, t, c);
	p.verdict = line.s;
	p.outcome = !jn->recorded && !t->tried ? VERDICT_NOTHING :
		    t->findings || t->ngroups || t->by_status[LOAD_HANG] ||
		    t->by_status[LOAD_CRASH] || t->by_status[LOAD_LOST] ? VERDICT_FINDINGS :
		    VERDICT_CLEAN;
	html_fact(&p, "driver", "%s", c->driver);
	html_fact(&p, "campaign", "%s", jn->systematic ? "systematic (each distinct call stack)" :
		  "exhaustive (each fallible call, loops pruned)");
	html_common_facts(&p, jn->kernel ? jn->kernel : "not in the journal (of an earlier ddv)");
	html_count(&p, "fallible calls in a clean load", "%lu", jn->total);
	html_count(&p, "loads planned", "%zu", journal_planned(jn));
	html_count(&p, "loads tried", "%zu", t->tried);
	html_count(&p, "faults injected", "%u", t->faults);
	html_count(&p, "inits failed", "%u", t->by_status[LOAD_INIT_FAILED]);
	html_count(&p, "hangs", "%u", t->by_status[LOAD_HANG]);
	html_count(&p, "crashes (oops)", "%u", t->by_status[LOAD_CRASH]);
	html_count(&p, "machine lost", "%u", t->by_status[LOAD_LOST]);
	html_count(&p, "loads off the recorded sequence", "%u", t->diverged);
	html_count(&p, "findings", "%u", t->findings);
	html_count(&p, "distinct (rule, site, stack)", "%zu", t->ngroups);
	html_count(&p, "findings suppressed", "%u", nsuppressed);
	if (jn->nuncovered) {
		struct strbuf names = { 0 };

		for (size_t i = 0; i < jn->nuncovered; i++)
			sb_printf(&names, "%s%s", i ? ", " : "", jn->uncovered[i]);
		html_count(&p, "called with no contract", "%zu", jn->nuncovered);
		html_fact(&p, "no contract for", "%s", names.s);
		sb_free(&names);
	}
	html_findings(&p, jn, t, c, r);
	if (jn->recording.nfindings || is_stop(&jn->recording))
		html_load(&p, jn, &jn->recording);
	for (size_t i = 0; i < jn->nloads; i++)
		if (jn->loads[i].status != LOAD_PENDING)
			html_load(&p, jn, &jn->loads[i]);
	err = html_write_file(&p, c->html);
	html_free(&p);
	return err;
}

/*
 * The summary, from the journal, and the page when c->html names one.
 * nsuppressed: the findings this run left out (the host of a --vm campaign
 * does not see the guest's).
 */
int summarize(struct journal *jn, const struct campaign *c, unsigned int nsuppressed)
{
	struct strbuf before = { 0 }, family = { 0 }, after = { 0 };
	struct reproducer r;
	struct tally t = { 0 };
	int found;

	/* Exactly the campaign's life: its setup, the load's family and PARAM=VALUE words, the rest. */
	if (c->setup)
		sb_printf(&before, "%s; ", c->setup);
	if (c->with)
		sb_printf(&family, "--with %s ", c->with);
	else if (c->alone)
		sb_puts(&family, "--alone ");
	for (int i = 0; i < c->nexclude; i++)
		sb_printf(&family, strpbrk(c->exclude[i], "*?[] \"$;&|<>()") ?
			  "--exclude '%s' " : "--exclude %s ", c->exclude[i]);
	for (int i = 0; i < c->nparams; i++)
		sb_printf(&after, " %s", c->params[i]);
	if (c->workload)
		sb_printf(&after, "; %s", c->workload);
	if (c->rebind)
		sb_printf(&after, "; (unbind and bind %s's devices in sysfs)", c->module);
	if (c->workload || c->rebind)
		sb_printf(&after, "; ddv unload %s", c->module);
	r = (struct reproducer){ .before = before.s ? before.s : "",
				 .family = family.s ? family.s : "", .driver = c->driver,
				 .after = after.s ? after.s : "",
				 .module = c->sources ? c->module : NULL };
	tally_loads(jn, &t);
	if (c->format == CI_KTAP || c->format == CI_JUNIT) {
		print_ci(jn, &t, c, &r);
	} else {
		print_groups(jn, &t, &r);
		print_table(jn, &t, c, nsuppressed);
	}
	found = t.findings || t.by_status[LOAD_HANG] || t.by_status[LOAD_CRASH] ||
		t.by_status[LOAD_LOST];
	if (c->html && write_html(jn, &t, c, &r, nsuppressed))
		found = -1;
	for (size_t g = 0; g < t.ngroups; g++) {
		free(t.groups[g].load_ns);
		free(t.groups[g].stacks);
	}
	free(t.groups);
	sb_free(&before);
	sb_free(&family);
	sb_free(&after);
	return found;
}
