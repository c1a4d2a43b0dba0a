/*
 * campaign_plan.c: the campaign's recording pass. A clean recording life
 * (load, --workload, --rebind, unload) traces every probed call with its
 * site, stack and phase (DDV_TRACE_STACK); the fault classes the runtime lists (LIST_FUNCS) tell which of the functions
 * seen can fail; the fallible calls, in order, are the sequence the
 * runtime's "fail the Nth fallible call" counts, so call k of it is nth-any k
 * exactly. Loops in that sequence are pruned (prune.c): only their first and
 * last few repeats fail. The plan goes to the journal.
 */
#include <libkmod.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <ddv/uapi.h>

#include "campaign_cmd.h"
#include "module.h"

/*
 * What to suggest when a recording lost records: the runtime's default ring
 * (4 MiB per CPU) holds about 40,000 traced calls with their stacks.
 */
#define LARGER_RING "16M"

struct recorded_call {
	uint64_t ts;
	size_t seq;		/* order of decoding: ties of ts keep it */
	char *symbol;
	char *name;		/* SYMBOL@func+0xoff */
	char *api;		/* the API (kmalloc), or NULL */
	uint64_t key;		/* function, site and stack */
	enum life_phase phase;
	bool fallible;		/* ddv.stack-id said it reached the injector */
};

/* A fallible call of the recording life and its stack identity (ddv.stack-id: systematic). */
struct stack_call {
	uint64_t ts;
	size_t seq;
	uint64_t id;
	char *name;		/* SYMBOL@func+0xoff */
	char *api;		/* the API (kmalloc), or NULL */
	enum life_phase phase;
};

/* A call site of the recording load and its stack: a leak's allocation stack, when it had one. */
struct site_stack {
	char *site;		/* func+0xoff */
	char *stack;		/* the first stack seen there, frames_join()'s key form */
	bool several;		/* another stack came there too: none is the stack */
};

struct recording {
	const char *module;
	struct campaign *c;
	struct journal_finding *findings;	/* of the clean life itself */
	size_t nfindings;
	enum life_phase phase;	/* of the records being decoded */
	size_t phase_end[NPHASES];	/* where each phase's records end in the state's; 0: not run */
	struct recorded_call *calls;
	size_t ncalls;
	struct site_stack *stacks;
	size_t nstacks;
	struct stack_call *ids;	/* the fallible calls with their stack identity */
	size_t nids;
	bool ids_recorded;	/* the runtime logged them (DDV_INJECT_STACK) */
	uint64_t dropped;
};

static uint64_t fnv64_mix(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n--)
		h = (h ^ *b++) * 1099511628211ull;
	return h;
}

static void note_site_stack(struct recording *r, const struct event *ev)
{
	struct strbuf site = { 0 }, stack = { 0 };
	struct frames frames;
	size_t i;

	sb_printf(&site, "%s+0x%x", ev->site->func, ev->site->func_offset);
	event_frames(ev, &frames);
	frames_join(&frames, true, &stack);
	frames_free(&frames);
	for (i = 0; i < r->nstacks && strcmp(r->stacks[i].site, site.s); i++)
		;
	if (i < r->nstacks) {
		r->stacks[i].several |= strcmp(r->stacks[i].stack, stack.s) != 0;
		sb_free(&site);
		sb_free(&stack);
		return;
	}
	r->stacks = xrealloc(r->stacks, (r->nstacks + 1) * sizeof(*r->stacks));
	r->stacks[r->nstacks++] = (struct site_stack){ .site = site.s, .stack = stack.s };
}

/* The journal's "stack" lines: the sites the recording saw with one stack only. */
static void journal_site_stacks(struct campaign *c, struct recording *r)
{
	for (size_t i = 0; i < r->nstacks; i++) {
		if (!r->stacks[i].several)
			journal_add(c, "stack %s %s", r->stacks[i].site, r->stacks[i].stack);
		free(r->stacks[i].site);
		free(r->stacks[i].stack);
	}
	free(r->stacks);
	r->stacks = NULL;
	r->nstacks = 0;
}

static void note_stack_id(struct recording *r, const struct event *ev)
{
	struct stack_call *sc;
	struct strbuf name = { 0 };
	uint64_t id = 0;

	for (unsigned int a = 0; a < ev->nargs; a++)
		if (!strcmp(ev->args[a].name, "id"))
			id = ev->args[a].value;
	if (!(r->nids & (r->nids - 1)))
		r->ids = xrealloc(r->ids, (r->nids ? 2 * r->nids : 1) * sizeof(*r->ids));
	call_name(ev, &name);
	sc = &r->ids[r->nids];
	*sc = (struct stack_call){ .ts = ev->ts, .seq = r->nids, .id = id, .name = name.s,
				   .api = ev->api ? xstrdup(ev->api) : NULL, .phase = r->phase };
	r->nids++;
}

static void record_event(struct decoder *dec, const struct event *ev, void *data)
{
	struct recording *r = data;
	struct recorded_call *rc;
	struct strbuf name = { 0 };
	uint64_t h = 14695981039346656037ull;

	if (ev->is_drop) {
		r->dropped += ev->dropped;
		return;
	}
	if (judge_finding(r->c, ev, &r->findings[r->nfindings])) {
		r->nfindings++;
		if (!(r->nfindings & (r->nfindings - 1)))
			r->findings = xrealloc(r->findings, 2 * r->nfindings * sizeof(*r->findings));
		return;
	}
	if (!ev->driver || strcmp(ev->driver, r->module))
		return;
	if (ev->pack_id == 0 && ev->msg && !strcmp(ev->msg->rule_id, "ddv.stack-id")) {
		note_stack_id(r, ev);
		return;
	}
	if (!is_traced_call(ev))
		return;
	if (ev->site && ev->nstack)
		note_site_stack(r, ev);
	call_name(ev, &name);
	h = fnv64_mix(h, name.s, name.len);
	h = fnv64_mix(h, ev->stack, ev->nstack * sizeof(ev->stack[0]));
	if (!(r->ncalls & (r->ncalls - 1)))
		r->calls = xrealloc(r->calls, (r->ncalls ? 2 * r->ncalls : 1) * sizeof(*r->calls));
	rc = &r->calls[r->ncalls];
	rc->ts = ev->ts;
	rc->seq = r->ncalls++;
	rc->symbol = xstrdup(ev->symbol);
	rc->name = name.s;
	rc->api = ev->api ? xstrdup(ev->api) : NULL;
	rc->key = h;
	rc->phase = r->phase;
	rc->fallible = false;
}

static int compare_stack_calls(const void *a, const void *b)
{
	const struct stack_call *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Each CPU's ring is drained in turn: a task that moved between CPUs is put back in order. */
static int compare_calls(const void *a, const void *b)
{
	const struct recorded_call *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static const struct cat_func *catalog_func_by_symbol(const struct catalog *cat, const char *sym)
{
	for (unsigned int p = 0; p < cat->npacks; p++)
		for (unsigned int f = 0; f < cat->packs[p]->nfuncs; f++)
			if (cat->packs[p]->funcs[f].symbol &&
			    !strcmp(cat->packs[p]->funcs[f].symbol, sym))
				return &cat->packs[p]->funcs[f];
	return NULL;
}

/*
 * Whether the runtime may fail calls of symbol, from the fault classes it
 * listed: 1 when one of its functions of that symbol is fallible, 0 when
 * none is, -1 when it lists none or one with a class unknown here.
 */
static int listed_fallible(const struct rt_tables *rt, const char *symbol)
{
	bool seen = false, fallible = false;

	for (unsigned int i = 0; i < rt->nfuncs; i++) {
		int verdict;

		if (strcmp(rt->funcs[i].symbol, symbol))
			continue;
		verdict = rt_func_fallible(&rt->funcs[i]);
		if (verdict < 0)
			return -1;
		seen = true;
		fallible |= verdict;
	}
	return seen ? fallible : -1;
}

/* The clean life's own findings, load 0's in the journal: nothing was injected. */
static void journal_recording_findings(struct campaign *c, struct recording *r)
{
	struct journal_finding kernel[16];
	unsigned int nk = judge_kernel(c, r->findings, r->nfindings, kernel,
				       sizeof(kernel) / sizeof(kernel[0]));

	r->findings = xrealloc(r->findings, (r->nfindings + nk + 1) * sizeof(*r->findings));
	for (unsigned int k = 0; k < nk; k++)
		r->findings[r->nfindings++] = kernel[k];
	for (size_t i = 0; i < r->nfindings; i++) {
		struct journal_finding *f = &r->findings[i];

		journal_add(c, "finding 0 %s %s%s%s", f->rule, f->site, f->stack ? " " : "",
			    f->stack ? f->stack : "");
	}
}

static void recording_free(struct recording *r)
{
	for (size_t i = 0; i < r->nids; i++) {
		free(r->ids[i].name);
		free(r->ids[i].api);
	}
	free(r->ids);
	r->ids = NULL;
	r->nids = 0;
	for (size_t i = 0; i < r->ncalls; i++) {
		free(r->calls[i].symbol);
		free(r->calls[i].name);
		free(r->calls[i].api);
	}
	free(r->calls);
	r->calls = NULL;
	r->ncalls = 0;
	for (size_t i = 0; i < r->nfindings; i++) {
		free(r->findings[i].rule);
		free(r->findings[i].site);
		free(r->findings[i].stack);
	}
	free(r->findings);
	r->findings = NULL;
}

/*
 * A phase ended, its records drained: where they end. They are decoded once
 * the life is over, as every campaign load's are, so that the driver's
 * frames are named (and its stacks compared) the same way in both.
 */
static void record_phase(struct campaign *c, enum life_phase p, void *arg)
{
	struct recording *r = arg;

	(void)c;
	r->phase_end[p] = judge_records_size();
}

/*
 * The clean life (load, workload, rebind, unload), every probed call traced
 * with its stack and its phase. Returns 0, or an exit status.
 */
static int record_clean_load(struct campaign *c, struct judge *j, struct recording *r)
{
	int status;

	fprintf(stderr, "campaign %s: recording a clean load\n", c->module);
	if (inject_off(c) || set_trace(c, ~0ull, DDV_TRACE_STACK)) {
		ddv_error(0, "campaign: cannot trace the calls of the recording load");
		return EXIT_ERROR;
	}
	/*
	 * Each fallible call's stack identity, nothing failed: systematic plans on
	 * them; exhaustive keeps the calls that had one, so that a call whose failure
	 * mode's condition was false (fails NULL if !(flags & __GFP_NOFAIL)), which
	 * nth-any does not count, is not planned either.
	 */
	r->ids_recorded = !ctl_call(c->ctl, DDV_OP_INJECT, 2,
				    (uint64_t[]){ DDV_INJECT_STACK, 0 }, NULL);
	if (c->systematic && !r->ids_recorded) {
		ddv_error(0, "campaign: the runtime cannot tell the calls' stacks apart "
			  "(DDV_INJECT_STACK: a ddv.ko older than this ddv?)");
		return EXIT_ERROR;
	}
	status = run_life(c, c->ctl, record_phase, r);
	for (int p = 0; p < NPHASES; p++) {
		if (!r->phase_end[p])
			continue;
		r->phase = p;
		judge_run_to(j, r->phase_end[p], record_event, r);
	}
	judge_run(j, record_event, r);
	set_trace(c, ~0ull, DDV_TRACE_OFF);
	inject_off(c);
	if (status != EXIT_OK) {
		/* An oops or a hang with nothing injected: the recording's own (campaign.h). */
		if (module_wedged(c, status))
			journal_add(c, "done 0 %s 0 -", status == EXIT_HANG ? "hang" : "crash");
		ddv_error(0, "campaign: the clean load of %s failed (ddv load exited %d): "
			  "nothing to fail", c->driver, status);
		return EXIT_ERROR;
	}
	return 0;
}

/*
 * A recording that lost records: without the whole sequence nothing can be
 * pruned, so load N fails call N, one after the other, until a load makes
 * no call to fail.
 */
static void plan_sequential(struct campaign *c, struct recording *r)
{
	ddv_warn("campaign: the recording load lost %llu log records: no loop pruning, "
		 "every fallible call is failed in turn (start the runtime with a larger "
		 "ring for pruning: ddv stop; ddv start --log-size %s)",
		 (unsigned long long)r->dropped, LARGER_RING);
	journal_site_stacks(c, r);
	journal_add(c, "recording 1");
	journal_add(c, "sequential");
}

/*
 * The recorded symbols that cannot fail, into not_fallible: functions that
 * return nothing, and those the runtime's fault class and failure count
 * say cannot (as the injector decides it). Returns 0, or -1 (said) when the
 * runtime does not tell for one of them.
 */
static int settle_fallible(const struct judge *j, const struct recording *r,
			   struct symset *not_fallible)
{
	for (size_t i = 0; i < r->ncalls; i++) {
		const char *sym = r->calls[i].symbol;
		const struct cat_func *f = catalog_func_by_symbol(&j->cat, sym);

		if (symset_has(not_fallible, sym))
			continue;
		if (f && f->ret && !strcmp(f->ret, "void")) {
			symset_add(not_fallible, sym);
			continue;
		}
		switch (listed_fallible(&j->rt, sym)) {
		case 0:
			symset_add(not_fallible, sym);
			break;
		case 1:
			break;
		default:
			ddv_error(0, "campaign: the runtime lists no fault class known here for %s: "
				  "cannot tell whether it can fail", sym);
			return -1;
		}
	}
	return 0;
}

/* Calls in order of their name, then of time (mark_fallible). */
static int compare_call_names(const void *a, const void *b)
{
	const struct recorded_call *x = *(struct recorded_call *const *)a;
	const struct recorded_call *y = *(struct recorded_call *const *)b;
	int d = strcmp(x->name, y->name);

	if (d)
		return d;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int compare_id_names(const void *a, const void *b)
{
	const struct stack_call *x = a, *y = b;
	int d = strcmp(x->name, y->name);

	return d ? d : compare_stack_calls(a, b);
}

/*
 * Each ddv.stack-id marks a call fallible. At a site with as many identities as
 * calls, every call; at one with fewer (a condition false for some), each
 * identity marks the last call there not later than it (the call is logged at
 * its entry, the identity at the injector's ask after it), else the next one.
 */
static void mark_site(struct recorded_call **calls, size_t ncalls, const struct stack_call *ids,
		      size_t nids)
{
	size_t j = 0;

	for (size_t k = 0; k < nids; k++) {
		struct recorded_call *last = NULL;

		for (; j < ncalls && calls[j]->ts <= ids[k].ts; j++)
			last = calls[j];
		if (!last && j < ncalls)
			last = calls[j++];
		if (last)
			last->fallible = true;
	}
}

static void mark_fallible(struct recording *r)
{
	struct recorded_call **by_name = xmalloc((r->ncalls ? r->ncalls : 1) * sizeof(*by_name));
	struct stack_call *ids = xmalloc((r->nids ? r->nids : 1) * sizeof(*ids));
	size_t i = 0, k = 0;

	for (size_t c = 0; c < r->ncalls; c++)
		by_name[c] = &r->calls[c];
	qsort(by_name, r->ncalls, sizeof(*by_name), compare_call_names);
	memcpy(ids, r->ids, r->nids * sizeof(*ids));
	qsort(ids, r->nids, sizeof(*ids), compare_id_names);
	while (i < r->ncalls) {
		const char *name = by_name[i]->name;
		size_t ci = i, ki;

		while (i < r->ncalls && !strcmp(by_name[i]->name, name))
			i++;
		while (k < r->nids && strcmp(ids[k].name, name) < 0)
			k++;
		for (ki = k; k < r->nids && !strcmp(ids[k].name, name); k++)
			;
		if (k - ki >= i - ci)
			for (size_t c = ci; c < i; c++)
				by_name[c]->fallible = true;
		else
			mark_site(by_name + ci, i - ci, ids + ki, k - ki);
	}
	free(ids);
	free(by_name);
}

/* The journal's "phase" lines: which fallible calls each phase of the life made. */
static void journal_phases(struct campaign *c, const struct recording *r, const size_t *index,
			   size_t nfallible)
{
	size_t first[NPHASES] = { 0 }, last[NPHASES] = { 0 };

	for (size_t k = 0; k < nfallible; k++) {
		enum life_phase p = r->calls[index[k]].phase;

		if (!first[p])
			first[p] = k + 1;
		last[p] = k + 1;
	}
	for (int p = 0; p < NPHASES; p++)
		if (first[p])
			journal_add(c, "phase %s %zu %zu", phase_name(p), first[p], last[p]);
}

/* Whether --exclude leaves a call out (name SYMBOL@func+0xoff): util.h's call_excluded(). */
static bool excluded(const struct campaign *c, const char *name, const char *api)
{
	const char *at = strchr(name, '@');
	char *symbol = xstrndup(name, at ? (size_t)(at - name) : strlen(name));
	char *func = at ? xstrndup(at + 1, strcspn(at + 1, "+")) : NULL;
	const char *off = at ? strstr(at + 1, "+0x") : NULL;
	bool out = call_excluded(c->exclude, c->nexclude, symbol, api, func,
				 off ? (unsigned int)strtoul(off + 3, NULL, 16) : 0);

	free(symbol);
	free(func);
	return out;
}

/*
 * The plan: the fallible calls in order (the sequence nth-any counts),
 * loops pruned unless --no-prune, into the journal with the recording's
 * stacks and the total. The calls --exclude names are not in the sequence:
 * ddv load --exclude marks their sites, and the runtime neither fails nor
 * counts them, on a load that follows the recording or not.
 */
static void plan_loads(struct campaign *c, struct recording *r, struct symset *not_fallible)
{
	uint64_t *keys = xmalloc((r->ncalls ? r->ncalls : 1) * sizeof(*keys));
	size_t *index = xmalloc((r->ncalls ? r->ncalls : 1) * sizeof(*index));
	size_t *plan, nplan, nfallible = 0, nexcluded = 0;

	for (size_t i = 0; i < r->ncalls; i++) {
		bool fallible = !symset_has(not_fallible, r->calls[i].symbol);

		/* Excluded sites never reach the injector: no stack identity to ask. */
		if (fallible && excluded(c, r->calls[i].name, r->calls[i].api)) {
			nexcluded++;
			continue;
		}
		if (!fallible || (r->ids_recorded && !r->calls[i].fallible))
			continue;
		keys[nfallible] = r->calls[i].key;
		index[nfallible++] = i;
	}
	if (c->prune) {
		nplan = prune_plan(keys, nfallible, c->keep, &plan);
	} else {
		plan = xmalloc((nfallible ? nfallible : 1) * sizeof(*plan));
		for (nplan = 0; nplan < nfallible; nplan++)
			plan[nplan] = nplan;
	}
	for (size_t p = 0; p < nplan; p++)
		journal_add(c, "plan %zu %s", plan[p] + 1, r->calls[index[plan[p]]].name);
	journal_phases(c, r, index, nfallible);
	journal_site_stacks(c, r);
	journal_add(c, "recording 1");
	journal_add(c, "total %zu", nfallible);
	fprintf(stderr, "campaign %s: %zu calls traced, %zu fallible", c->module, r->ncalls,
		nfallible);
	if (nexcluded)
		fprintf(stderr, " (%zu more excluded)", nexcluded);
	fprintf(stderr, "; %zu loads planned (%zu saved by loop pruning)\n", nplan,
		nfallible - nplan);
	free(plan);
	free(keys);
	free(index);
}

/*
 * The systematic plan (prune.c's systematic_plan): each distinct stack
 * identity of the fallible calls at its first call and at its second, the
 * calls --exclude names left out, with the phase lines and the total.
 */
static void plan_systematic(struct campaign *c, struct recording *r)
{
	uint64_t *ids = xmalloc((r->nids ? r->nids : 1) * sizeof(*ids));
	bool *skip = xcalloc(r->nids ? r->nids : 1, sizeof(*skip));
	size_t first[NPHASES] = { 0 }, last[NPHASES] = { 0 }, nexcluded = 0, ndistinct, npicks;
	struct systematic_pick *picks;

	qsort(r->ids, r->nids, sizeof(*r->ids), compare_stack_calls);
	for (size_t k = 0; k < r->nids; k++) {
		ids[k] = r->ids[k].id;
		skip[k] = excluded(c, r->ids[k].name, r->ids[k].api);
		nexcluded += skip[k];
		if (!first[r->ids[k].phase])
			first[r->ids[k].phase] = k + 1;
		last[r->ids[k].phase] = k + 1;
	}
	npicks = systematic_plan(ids, skip, r->nids, &picks, &ndistinct);
	for (size_t p = 0; p < npicks; p++) {
		const struct stack_call *sc = &r->ids[picks[p].index];

		journal_add(c, "plan %zu %s %#" PRIx64 " %u", picks[p].index + 1, sc->name, sc->id,
			    picks[p].nth);
	}
	for (int p = 0; p < NPHASES; p++)
		if (first[p])
			journal_add(c, "phase %s %zu %zu", phase_name(p), first[p], last[p]);
	journal_site_stacks(c, r);
	journal_add(c, "recording 1");
	journal_add(c, "total %zu", r->nids);
	fprintf(stderr, "campaign %s: %zu fallible calls from %zu distinct stacks (%zu calls "
		"excluded); %zu loads planned\n", c->module, r->nids, ndistinct, nexcluded, npicks);
	free(picks);
	free(skip);
	free(ids);
}

/*
 * What the campaign cannot fail: the imported functions the driver calls
 * whose names look fallible and that no loaded pack has a contract for,
 * from its .ko's relocations (a clean result says what it did not cover).
 */
static void journal_uncovered(struct campaign *c, struct judge *j)
{
	struct kmod_ctx *kmod = NULL;
	struct symset probed = { 0 };
	struct site_table t;
	char *path = NULL;

	if (strchr(c->driver, '/') || strstr(c->driver, ".ko")) {
		path = xstrdup(c->driver);
	} else {
		kmod = kmod_new(NULL, NULL);
		if (kmod)
			module_path_lookup(kmod, c->module, &path);
	}
	if (!path) {
		ddv_warn("campaign: %s: no .ko found: the calls it makes with no contract "
			 "are not listed", c->driver);
		kmod_unref(kmod);
		return;
	}
	for (unsigned int i = 0; i < j->rt.nfuncs; i++)
		symset_add(&probed, j->rt.funcs[i].symbol);
	if (!relocs_read_file(path, &probed, &t)) {
		symset_has(&t.uncovered, "");	/* sorts */
		for (size_t i = 0; i < t.uncovered.n; i++)
			if (symbol_looks_fallible(t.uncovered.names[i]))
				journal_add(c, "uncovered %s", t.uncovered.names[i]);
		site_table_free(&t);
	}
	symset_free(&probed);
	free(path);
	kmod_unref(kmod);
}

int record_plan(struct campaign *c, struct judge *j)
{
	struct recording r = { .module = c->module, .c = c,
			       .findings = xmalloc(sizeof(*r.findings)) };
	struct symset not_fallible = { 0 };
	int status = record_clean_load(c, j, &r);

	if (!status && r.dropped && c->systematic) {
		ddv_error(0, "campaign: the recording lost %llu log records: no systematic plan "
			  "without every call's stack (ddv stop; ddv start --log-size %s)",
			  (unsigned long long)r.dropped, LARGER_RING);
		status = EXIT_ERROR;
	} else if (!status && r.dropped) {
		plan_sequential(c, &r);
	} else if (!status && c->systematic) {
		plan_systematic(c, &r);
	} else if (!status) {
		qsort(r.calls, r.ncalls, sizeof(*r.calls), compare_calls);
		if (r.ids_recorded)
			mark_fallible(&r);
		if (settle_fallible(j, &r, &not_fallible))
			status = EXIT_ERROR;
		else
			plan_loads(c, &r, &not_fallible);
	}
	if (!status)
		journal_uncovered(c, j);
	journal_recording_findings(c, &r);
	recording_free(&r);
	symset_free(&not_fallible);
	return status;
}
