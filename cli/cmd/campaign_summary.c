/* campaign_summary.c: what "ddv campaign" prints for each load and at the end, from the journal. */
#include <stdlib.h>
#include <string.h>

#include "campaign_cmd.h"

/* Identical findings: one rule, one site, one stack (a leak: its allocation site). */
struct finding_group {
	const char *rule;
	const char *site;
	const char *stack;	/* NULL: none */
	unsigned long first;	/* the first load that showed it */
	const char *fault;
	unsigned int loads;	/* findings, over all loads */
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

/*
 * The line "ddv campaign" prints for each load, from the journal; phase:
 * where the recording made call n, named unless it is the load itself.
 */
void print_load_line(const struct journal_load *L, const char *phase)
{
	unsigned int nf = L->nfindings;

	if (phase && !strcmp(phase, "load"))
		phase = NULL;
	printf("load %lu%s%s%s: %s%s, %s, %u finding%s", L->n, phase ? " (" : "",
	       phase ? phase : "", phase ? ")" : "",
	       L->injected ? "fault in " : "no fault injected", L->injected ? L->fault : "",
	       status_text(L->status), nf, nf == 1 ? "" : "s");
	if (L->expect && (!L->fault || strcmp(L->expect, L->fault)))
		printf(" (planned: %s: the call sequence differs from the recording)", L->expect);
	putchar('\n');
	fflush(stdout);
}

/* What the journal's loads add up to. */
struct tally {
	unsigned int by_status[LOAD_NSTATUS];
	unsigned int faults;	/* injected */
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
		if (!strcmp(t->groups[g].rule, F->rule) && !strcmp(t->groups[g].site, F->site) &&
		    !strcmp(t->groups[g].stack ? t->groups[g].stack : "",
			    F->stack ? F->stack : ""))
			break;
	if (g == t->ngroups) {
		t->groups = xrealloc(t->groups, (t->ngroups + 1) * sizeof(*t->groups));
		t->groups[t->ngroups++] = (struct finding_group){
			.rule = F->rule, .site = F->site, .stack = F->stack,
			.first = L->n, .fault = L->fault,
		};
	}
	G = &t->groups[g];
	G->loads++;
	if (!G->nload_ns || G->load_ns[G->nload_ns - 1] != L->n) {
		G->load_ns = xrealloc(G->load_ns, (G->nload_ns + 1) * sizeof(*G->load_ns));
		G->load_ns[G->nload_ns++] = L->n;
	}
}

static void tally_loads(const struct journal *jn, struct tally *t)
{
	/* The clean recording life's own findings count: no fault was needed for them. */
	for (unsigned int f = 0; f < jn->recording.nfindings; f++) {
		t->findings++;
		group_finding(t, &jn->recording, &jn->recording.findings[f]);
	}
	for (size_t i = 0; i < jn->nloads; i++) {
		const struct journal_load *L = &jn->loads[i];

		t->by_status[L->status]++;
		if (L->status == LOAD_PENDING)
			continue;
		t->tried++;
		t->faults += L->injected;
		if (L->expect && (!L->fault || strcmp(L->expect, L->fault)) &&
		    L->status != LOAD_CRASH && L->status != LOAD_LOST)
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
	const char *driver;
	const char *after;	/* the load's words, then the rest of the life */
};

static void print_reproducer(const struct journal *jn, const struct reproducer *r,
			     unsigned long n)
{
	const struct journal_load *L = n ? journal_find((struct journal *)jn, n) : NULL;

	if (!n)
		printf("    reproduce: %sddv load %s%s\n", r->before, r->driver, r->after);
	else if (L && L->stack_id)
		printf("    reproduce: %sddv inject stack %#llx %lu; ddv load %s%s\n", r->before,
		       (unsigned long long)L->stack_id, L->stack_nth, r->driver, r->after);
	else
		printf("    reproduce: %sddv inject nth-any %lu; ddv load %s%s\n", r->before, n,
		       r->driver, r->after);
}

/* Each group of findings with its stack and the command that reproduces it. */
static void print_groups(const struct journal *jn, const struct tally *t,
			 const struct reproducer *r)
{
	if (t->ngroups)
		printf("findings by rule, site and stack (a leak: its allocation site):\n");
	for (size_t g = 0; g < t->ngroups; g++) {
		const struct finding_group *G = &t->groups[g];

		const char *phase = journal_phase_of(jn, G->first);

		if (!G->first)
			printf("  %s at %s: %u load%s, first the clean recording (no fault injected)\n",
			       G->rule, G->site, G->loads, G->loads == 1 ? "" : "s");
		else
			printf("  %s at %s: %u load%s, first load %lu (fault in %s%s%s)\n", G->rule,
			       G->site, G->loads, G->loads == 1 ? "" : "s", G->first,
			       G->fault ? G->fault : "none", phase ? ", phase " : "",
			       phase ? phase : "");
		if (G->stack)
			printf("    stack: %s\n", G->stack);
		else if (journal_site_stack(jn, G->site))
			printf("    allocation stack (the clean load's only one there): %s\n",
			       journal_site_stack(jn, G->site));
		print_reproducer(jn, r, G->first);
		if (G->nload_ns > 1) {
			printf("    also on loads%s:", jn->systematic ? "" : " (ddv inject nth-any N)");
			for (unsigned int i = 1; i < G->nload_ns && i <= GROUP_LOADS_SHOWN; i++)
				printf(" %lu", G->load_ns[i]);
			if (G->nload_ns > GROUP_LOADS_SHOWN + 1)
				printf(" and %u more", G->nload_ns - GROUP_LOADS_SHOWN - 1);
			putchar('\n');
		}
	}
}

/* The hangs, crashes and lost machines, each with the command that reproduces it. */
static void print_stops(const struct journal *jn, const struct reproducer *r)
{
	for (size_t i = 0; i < jn->nloads; i++) {
		const struct journal_load *L = &jn->loads[i];

		if (L->status != LOAD_HANG && L->status != LOAD_CRASH && L->status != LOAD_LOST)
			continue;
		printf("  %s on load %lu (fault in %s)\n",
		       L->status == LOAD_HANG ? "ddv.hang: init never returned" :
		       L->status == LOAD_CRASH ? "ddv.crash: the kernel oopsed" :
		       "ddv.machine-lost: the VM stopped answering",
		       L->n, L->fault ? L->fault : L->expect ? L->expect : "?");
		print_reproducer(jn, r, L->n);
	}
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
				n += t->groups[h].loads;
		printf("    %-32s %u\n", t->groups[g].rule, n);
	}
}

/* The summary's table and its last line. */
static void print_table(const struct journal *jn, const struct tally *t,
			const struct campaign *c, unsigned int nsuppressed)
{
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
	printf("  %-34s %zu of %zu\n", "loads tried", t->tried, jn->nloads);
	printf("  %-34s %lu\n", "recording loads", jn->recording_loads);
	printf("  %-34s %u\n", "faults injected", t->faults);
	printf("  %-34s %u\n", "inits failed", t->by_status[LOAD_INIT_FAILED]);
	printf("  %-34s %u\n", "hangs", t->by_status[LOAD_HANG]);
	printf("  %-34s %u\n", "crashes (oops)", t->by_status[LOAD_CRASH]);
	printf("  %-34s %u\n", "machine lost (VM hung or killed)", t->by_status[LOAD_LOST]);
	printf("  %-34s %u\n", "loads off the recorded sequence", t->diverged);
	printf("  %-34s %u\n", "findings", t->findings);
	printf("  %-34s %zu\n", "distinct (rule, site and stack)", t->ngroups);
	print_rule_counts(t);
	if (nsuppressed)
		printf("  %-34s %u (this run)\n", "findings suppressed", nsuppressed);
	for (unsigned int i = 0; nsuppressed && i < c->supp.n; i++)
		if (c->supp.v[i].hits)
			printf("    %-32s %u\n", c->supp.v[i].text, c->supp.v[i].hits);
	printf("campaign %s: %zu loads, %u faults injected, %u failed inits, %u finding%s%s\n",
	       c->module, t->tried, t->faults, t->by_status[LOAD_INIT_FAILED], t->findings,
	       t->findings == 1 ? "" : "s",
	       t->tried < jn->nloads || !jn->recorded ?
	       " (stopped: not every planned load was tried)" : "");
}

/*
 * The summary, from the journal. nsuppressed: the findings this run left
 * out (the host of a --vm campaign does not see the guest's).
 */
int summarize(struct journal *jn, const struct campaign *c, unsigned int nsuppressed)
{
	struct strbuf before = { 0 }, after = { 0 };
	struct reproducer r;
	struct tally t = { 0 };
	int found;

	/* Exactly the campaign's life: its setup, the load's own PARAM=VALUE words, the rest. */
	if (c->setup)
		sb_printf(&before, "%s; ", c->setup);
	for (int i = 0; i < c->nparams; i++)
		sb_printf(&after, " %s", c->params[i]);
	if (c->workload)
		sb_printf(&after, "; %s", c->workload);
	if (c->rebind)
		sb_printf(&after, "; (unbind and bind %s's devices in sysfs)", c->module);
	if (c->workload || c->rebind)
		sb_printf(&after, "; ddv unload %s", c->module);
	r = (struct reproducer){ .before = before.s ? before.s : "", .driver = c->driver,
				 .after = after.s ? after.s : "" };
	tally_loads(jn, &t);
	print_groups(jn, &t, &r);
	print_stops(jn, &r);
	print_table(jn, &t, c, nsuppressed);
	found = t.findings || t.by_status[LOAD_HANG] || t.by_status[LOAD_CRASH] ||
		t.by_status[LOAD_LOST];
	for (size_t g = 0; g < t.ngroups; g++)
		free(t.groups[g].load_ns);
	free(t.groups);
	sb_free(&before);
	sb_free(&after);
	return found;
}
