/*
 * journal.c: reads the exhaustive campaign's journal (format in campaign.h)
 * back into what the campaign has learnt, so that it resumes after the last
 * fact written, on this machine or on another boot of it.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "campaign.h"

static const char *const status_names[LOAD_NSTATUS] = {
	[LOAD_PENDING] = "pending",
	[LOAD_OK] = "ok",
	[LOAD_INIT_FAILED] = "init-failed",
	[LOAD_HANG] = "hang",
	[LOAD_FAILED] = "load-failed",
	[LOAD_CRASH] = "crash",
	[LOAD_LOST] = "lost",
};

const char *load_status_name(enum load_status s)
{
	return s < LOAD_NSTATUS ? status_names[s] : "?";
}

static enum load_status status_by_name(const char *name)
{
	for (int s = LOAD_OK; s < LOAD_NSTATUS; s++)
		if (!strcmp(name, status_names[s]))
			return s;
	return LOAD_NSTATUS;
}

struct journal_load *journal_find(struct journal *j, unsigned long n)
{
	for (size_t i = 0; i < j->nloads; i++)
		if (j->loads[i].n == n)
			return &j->loads[i];
	return NULL;
}

const char *journal_site_stack(const struct journal *j, const char *site)
{
	for (size_t i = 0; i < j->nstacks; i++)
		if (!strcmp(j->stacks[i].site, site))
			return j->stacks[i].stack;
	return NULL;
}

bool journal_owns(const struct journal *j, unsigned long n)
{
	return !j->nshards || (n - 1) % j->nshards == j->shard - 1;
}

size_t journal_planned(const struct journal *j)
{
	size_t n = 0;

	for (size_t i = 0; i < j->nloads; i++)
		n += journal_owns(j, j->loads[i].n);
	return n;
}

struct journal_load *journal_next(struct journal *j)
{
	for (size_t i = 0; i < j->nloads; i++)
		if (j->loads[i].status == LOAD_PENDING && journal_owns(j, j->loads[i].n))
			return &j->loads[i];
	return NULL;
}

static void load_clear_result(struct journal_load *l)
{
	for (unsigned int f = 0; f < l->nfindings; f++) {
		free(l->findings[f].rule);
		free(l->findings[f].site);
		free(l->findings[f].stack);
	}
	free(l->findings);
	free(l->fault);
	free(l->console);
	l->console = NULL;
	l->findings = NULL;
	l->nfindings = 0;
	l->fault = NULL;
	l->injected = 0;
	l->injected_unknown = false;
}

/* "done N STATUS INJECTED FAULT" of load l (INJECTED "?": not known). */
static bool parse_done(struct journal_load *l, char **words, unsigned int nw)
{
	enum load_status s;
	char *end;

	if (nw != 5 || (s = status_by_name(words[2])) == LOAD_NSTATUS)
		return false;
	/* Its findings came before it; a later verdict replaces the fault only. */
	free(l->fault);
	l->status = s;
	l->injected_unknown = !strcmp(words[3], "?");
	l->injected = l->injected_unknown ? 0 : strtoul(words[3], &end, 10);
	l->fault = strcmp(words[4], "-") ? xstrdup(words[4]) : NULL;
	return l->injected_unknown || !*end;
}

/* "phase NAME FIRST LAST": a recording made again says it again, and the last word goes. */
static bool parse_phase(struct journal *j, char **words, unsigned int nw)
{
	unsigned long first, last;
	char *end1, *end2;

	if (nw != 4)
		return false;
	first = strtoul(words[2], &end1, 10);
	last = strtoul(words[3], &end2, 10);
	if (*end1 || *end2 || !first || last < first)
		return false;
	for (size_t i = 0; i < j->nphases; i++)
		if (!strcmp(j->phases[i].name, words[1])) {
			j->phases[i].first = first;
			j->phases[i].last = last;
			return true;
		}
	j->phases = xrealloc(j->phases, (j->nphases + 1) * sizeof(*j->phases));
	j->phases[j->nphases++] = (struct journal_phase){
		.name = xstrdup(words[1]), .first = first, .last = last,
	};
	return true;
}

/* "console N TEXT" of load l: the last word goes. */
static bool parse_console(struct journal_load *l, unsigned int nw, const char *rest)
{
	if (nw != 2 || !rest || !*rest)
		return false;
	free(l->console);
	l->console = xstrdup(rest);
	return true;
}

/* "finding N RULE SITE [STACK]" of load l. */
static bool add_finding(struct journal_load *l, char **words, unsigned int nw, const char *rest)
{
	if (nw != 4)
		return false;
	l->findings = xrealloc(l->findings, (l->nfindings + 1) * sizeof(*l->findings));
	l->findings[l->nfindings].rule = xstrdup(words[2]);
	l->findings[l->nfindings].site = xstrdup(words[3]);
	l->findings[l->nfindings].stack = rest && *rest ? xstrdup(rest) : NULL;
	l->nfindings++;
	return true;
}

/* "setup CMD", "workload CMD": the rest of the line, once. */
static bool parse_life_command(struct journal *j, const char *line)
{
	char **cmd = line[0] == 's' ? &j->setup : &j->workload;

	if (*cmd)
		return false;
	*cmd = xstrdup(strchr(line, ' ') + 1);
	return true;
}

/* "rebind", "alone", "with MOD,...", "param WORD", "exclude GLOB", "shard K N". */
static bool parse_setting(struct journal *j, char **words, unsigned int nw)
{
	unsigned long k, n;

	if (!strcmp(words[0], "rebind")) {
		j->rebind = true;
		return nw == 1;
	}
	if (!strcmp(words[0], "alone")) {
		j->alone = true;
		return nw == 1 && !j->with;
	}
	if (!strcmp(words[0], "with")) {
		if (nw != 2 || j->with || j->alone)
			return false;
		j->with = xstrdup(words[1]);
		return true;
	}
	if (!strcmp(words[0], "param")) {
		if (nw != 2)
			return false;
		j->params = xrealloc(j->params, (j->nparams + 1) * sizeof(*j->params));
		j->params[j->nparams++] = xstrdup(words[1]);
		return true;
	}
	if (!strcmp(words[0], "exclude")) {
		if (nw != 2)
			return false;
		j->excludes = xrealloc(j->excludes, (j->nexcludes + 1) * sizeof(*j->excludes));
		j->excludes[j->nexcludes++] = xstrdup(words[1]);
		return true;
	}
	k = nw == 3 ? strtoul(words[1], NULL, 10) : 0;
	n = nw == 3 ? strtoul(words[2], NULL, 10) : 0;
	if (j->nshards || !k || k > n || n > 100000)
		return false;
	j->shard = k;
	j->nshards = n;
	return true;
}

/* "plan N [CALL [ID K]]": a load to try. */
static bool add_plan(struct journal *j, unsigned long n, char **words, unsigned int nw)
{
	struct journal_load *l;
	char *end;

	if (j->recorded || journal_find(j, n))
		return false;
	j->loads = xrealloc(j->loads, (j->nloads + 1) * sizeof(*j->loads));
	l = &j->loads[j->nloads++];
	memset(l, 0, sizeof(*l));
	l->n = n;
	l->expect = nw > 2 ? xstrdup(words[2]) : NULL;
	if (nw > 3) {
		/* A systematic load: the stack identity and which of its calls. */
		l->stack_id = strtoull(words[3], &end, 16);
		if (*end || !l->stack_id)
			return false;
		l->stack_nth = nw > 4 ? strtoul(words[4], &end, 10) : 1;
		if (nw > 4 && (*end || !l->stack_nth))
			return false;
	}
	return true;
}

/* "uncovered SYMBOL": a recording made again says it again. */
static bool add_uncovered(struct journal *j, const char *symbol)
{
	for (size_t i = 0; i < j->nuncovered; i++)
		if (!strcmp(j->uncovered[i], symbol))
			return true;
	j->uncovered = xrealloc(j->uncovered, (j->nuncovered + 1) * sizeof(*j->uncovered));
	j->uncovered[j->nuncovered++] = xstrdup(symbol);
	return true;
}

/* "stack SITE STACK": a recording made again says it again, the last word goes. */
static bool add_site_stack(struct journal *j, const char *site, const char *stack)
{
	for (size_t i = 0; i < j->nstacks; i++)
		if (!strcmp(j->stacks[i].site, site)) {
			free(j->stacks[i].stack);
			j->stacks[i].stack = xstrdup(stack);
			return true;
		}
	j->stacks = xrealloc(j->stacks, (j->nstacks + 1) * sizeof(*j->stacks));
	j->stacks[j->nstacks].site = xstrdup(site);
	j->stacks[j->nstacks++].stack = xstrdup(stack);
	return true;
}

/* One complete line; false when it is not one the journal writes. */
static bool parse_line(struct journal *j, char *line)
{
	char *words[5] = { 0 }, *save = NULL, *rest = NULL;
	unsigned int nw = 0;
	struct journal_load *l;
	unsigned long n;
	char *end;

	if (j->driver && (!strncmp(line, "setup ", 6) || !strncmp(line, "workload ", 9)))
		return parse_life_command(j, line);
	if (j->driver && !j->kernel && !strncmp(line, "kernel ", 7) && line[7]) {
		j->kernel = xstrdup(line + 7);
		return true;
	}
	/* A finding's stack is the rest of its line, blanks and all; so is a site's, a console's. */
	if (!strncmp(line, "finding ", 8) || !strncmp(line, "stack ", 6) ||
	    !strncmp(line, "console ", 8)) {
		char *p = line;

		for (int w = 0; w < (line[0] == 'f' ? 4 : 2) && p; w++) {
			p += strspn(p, " ");
			p = *p ? strchr(p, ' ') : NULL;
		}
		if (p) {
			*p++ = '\0';
			rest = p + strspn(p, " ");
		}
	}
	for (char *w = strtok_r(line, " ", &save); w && nw < 5; w = strtok_r(NULL, " ", &save))
		words[nw++] = w;
	if (!nw)
		return true;
	if (!strcmp(words[0], "ddv-campaign")) {
		if (nw != 3 || strcmp(words[1], "1") || j->driver)
			return false;
		j->driver = xstrdup(words[2]);
		return true;
	}
	if (!j->driver)
		return false;	/* nothing before the first line */
	if (!strcmp(words[0], "rebind") || !strcmp(words[0], "param") ||
	    !strcmp(words[0], "exclude") ||
	    !strcmp(words[0], "shard") || !strcmp(words[0], "with") || !strcmp(words[0], "alone"))
		return parse_setting(j, words, nw);
	if (!strcmp(words[0], "sequential")) {
		j->sequential = true;
		return true;
	}
	if (!strcmp(words[0], "end")) {
		j->ended = true;
		return true;
	}
	if (nw < 2)
		return false;
	if (!strcmp(words[0], "phase"))
		return parse_phase(j, words, nw);
	if (!strcmp(words[0], "mode")) {
		if (nw != 2 || strcmp(words[1], "systematic"))
			return false;
		j->systematic = true;
		return true;
	}
	if (!strcmp(words[0], "uncovered"))
		return nw == 2 && add_uncovered(j, words[1]);
	if (!strcmp(words[0], "stack"))
		return nw == 2 && rest && *rest && add_site_stack(j, words[1], rest);
	n = strtoul(words[1], &end, 10);
	if (*end)
		return false;
	if (!strcmp(words[0], "recording")) {
		j->recording_loads = n;
		return true;
	}
	if (!strcmp(words[0], "total")) {
		j->total = n;
		j->recorded = true;
		return true;
	}
	if (!n && !strcmp(words[0], "finding"))
		return add_finding(&j->recording, words, nw, rest);
	if (!n && !strcmp(words[0], "done"))
		return parse_done(&j->recording, words, nw);
	if (!n && !strcmp(words[0], "console"))
		return parse_console(&j->recording, nw, rest);
	if (!n)
		return false;
	if (!strcmp(words[0], "plan"))
		return add_plan(j, n, words, nw);
	l = journal_find(j, n);
	if (!l)
		return false;
	if (!strcmp(words[0], "start")) {
		/* Another try of the load (a resumed run): what the last try said goes. */
		load_clear_result(l);
		l->status = LOAD_PENDING;
		l->started = true;
		return true;
	}
	if (!strcmp(words[0], "done"))
		return parse_done(l, words, nw);
	if (!strcmp(words[0], "console"))
		return parse_console(l, nw, rest);
	if (!strcmp(words[0], "finding"))
		return add_finding(l, words, nw, rest);
	return false;
}

/*
 * Fills j from the journal's text; a last line without its newline (the
 * machine died while writing it) is left out. Returns the number of lines
 * that made no sense (0 for a journal this program wrote), or -1 when the
 * text is no journal at all.
 */
int journal_parse(struct journal *j, const char *text, size_t len)
{
	const char *p = text, *nl;
	int bad = 0;

	memset(j, 0, sizeof(*j));
	while ((nl = memchr(p, '\n', len - (p - text)))) {
		char *line = xstrndup(p, nl - p);

		if (!parse_line(j, line))
			bad++;
		free(line);
		p = nl + 1;
	}
	return j->driver ? bad : -1;
}

static unsigned int fnv32(const char *s)
{
	unsigned int h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

void journal_echo_line(const char *line, struct strbuf *out)
{
	sb_printf(out, JOURNAL_ECHO_TAG "%s *%08x\n", line, fnv32(line));
}

char *journal_unecho_line(char *console_line)
{
	char *p = strstr(console_line, JOURNAL_ECHO_TAG), *star, *end;
	unsigned long crc;

	if (!p)
		return NULL;
	p += strlen(JOURNAL_ECHO_TAG);
	star = strrchr(p, '*');
	if (!star || star == p || star[-1] != ' ')
		return NULL;
	crc = strtoul(star + 1, &end, 16);
	if (end != star + 9 || (*end && *end != '\r'))
		return NULL;
	star[-1] = '\0';
	if (fnv32(p) != crc) {
		star[-1] = ' ';
		return NULL;
	}
	return p;
}

void journal_free(struct journal *j)
{
	for (size_t i = 0; i < j->nloads; i++) {
		load_clear_result(&j->loads[i]);
		free(j->loads[i].expect);
	}
	free(j->loads);
	load_clear_result(&j->recording);
	free(j->driver);
	for (size_t i = 0; i < j->nstacks; i++) {
		free(j->stacks[i].site);
		free(j->stacks[i].stack);
	}
	free(j->stacks);
	for (size_t i = 0; i < j->nuncovered; i++)
		free(j->uncovered[i]);
	free(j->uncovered);
	for (size_t i = 0; i < j->nphases; i++)
		free(j->phases[i].name);
	free(j->phases);
	free(j->setup);
	free(j->kernel);
	free(j->workload);
	free(j->with);
	for (unsigned int i = 0; i < j->nparams; i++)
		free(j->params[i]);
	free(j->params);
	for (unsigned int i = 0; i < j->nexcludes; i++)
		free(j->excludes[i]);
	free(j->excludes);
	memset(j, 0, sizeof(*j));
}

const char *journal_phase_of(const struct journal *j, unsigned long n)
{
	for (size_t i = 0; i < j->nphases; i++)
		if (n >= j->phases[i].first && n <= j->phases[i].last)
			return j->phases[i].name;
	return NULL;
}

/* --- ddv campaign merge ------------------------------------------------- */

static int cmp_ulong(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/* Whether the shards are 1..N of one N, each once, of one driver, each with its plan. */
static int merge_check(const struct journal *shards, size_t n, char **why)
{
	const struct journal *first = &shards[0];

	for (size_t i = 0; i < n; i++) {
		const struct journal *j = &shards[i];

		if (!j->nshards) {
			*why = xasprintf("journal %zu is of a whole campaign, not of a shard (--shard)",
					 i + 1);
			return -1;
		}
		if (j->nshards != first->nshards || strcmp(j->driver, first->driver) ||
		    j->systematic != first->systematic) {
			*why = xasprintf("journal %zu is shard %u/%u of %s, journal 1 shard %u/%u of %s",
					 i + 1, j->shard, j->nshards, j->driver, first->shard,
					 first->nshards, first->driver);
			return -1;
		}
		for (size_t k = 0; k < i; k++)
			if (shards[k].shard == j->shard) {
				*why = xasprintf("journals %zu and %zu are both shard %u/%u", k + 1,
						 i + 1, j->shard, j->nshards);
				return -1;
			}
		if (!j->recorded) {
			*why = xasprintf("shard %u/%u has no plan yet: its recording did not end",
					 j->shard, j->nshards);
			return -1;
		}
		/* A plan made from a recording is the same on every machine, or the shards do not add up. */
		if (!j->sequential && (j->total != first->total || j->nloads != first->nloads)) {
			*why = xasprintf("shard %u/%u planned %zu loads of %lu calls, shard %u/%u %zu of "
					 "%lu: their recordings differ", j->shard, j->nshards, j->nloads,
					 j->total, first->shard, first->nshards, first->nloads,
					 first->total);
			return -1;
		}
		for (size_t l = 0; !j->sequential && l < j->nloads; l++)
			if (j->loads[l].n != first->loads[l].n ||
			    j->loads[l].stack_id != first->loads[l].stack_id ||
			    j->loads[l].stack_nth != first->loads[l].stack_nth) {
				*why = xasprintf("shard %u/%u's plan differs from shard %u/%u's at load "
						 "%zu: their recordings differ", j->shard, j->nshards,
						 first->shard, first->nshards, l + 1);
				return -1;
			}
	}
	if (n != first->nshards) {
		*why = xasprintf("%zu journals given for %u shards: every shard's journal is needed",
				 n, first->nshards);
		return -1;
	}
	return 0;
}

static void merge_finding(struct strbuf *out, unsigned long n, const struct journal_finding *f)
{
	sb_printf(out, "finding %lu %s %s%s%s\n", n, f->rule, f->site, f->stack ? " " : "",
		  f->stack ? f->stack : "");
}

/* Load l's verdict as journal lines ("console N", then "done N"), when it has one. */
void journal_done_lines(struct strbuf *out, const struct journal_load *l)
{
	if (l->status == LOAD_PENDING)
		return;
	if (l->console)
		sb_printf(out, "console %lu %s\n", l->n, l->console);
	sb_printf(out, "done %lu %s ", l->n, load_status_name(l->status));
	if (l->injected_unknown)
		sb_puts(out, "?");
	else
		sb_printf(out, "%u", l->injected);
	sb_printf(out, " %s\n", l->fault ? l->fault : "-");
}

/* A load's result as its shard's journal has it. */
static void merge_load(struct strbuf *out, const struct journal_load *l)
{
	if (!l->started && l->status == LOAD_PENDING)
		return;
	sb_printf(out, "start %lu\n", l->n);
	for (unsigned int f = 0; f < l->nfindings; f++)
		merge_finding(out, l->n, &l->findings[f]);
	journal_done_lines(out, l);
}

/* The life, the recording and its findings, as the first shard's journal has them. */
static void merge_head(const struct journal *j, struct strbuf *out)
{
	sb_printf(out, "ddv-campaign 1 %s\n", j->driver);
	if (j->systematic)
		sb_puts(out, "mode systematic\n");
	if (j->kernel)
		sb_printf(out, "kernel %s\n", j->kernel);
	if (j->setup)
		sb_printf(out, "setup %s\n", j->setup);
	if (j->workload)
		sb_printf(out, "workload %s\n", j->workload);
	if (j->with)
		sb_printf(out, "with %s\n", j->with);
	if (j->alone)
		sb_puts(out, "alone\n");
	if (j->rebind)
		sb_puts(out, "rebind\n");
	for (unsigned int i = 0; i < j->nparams; i++)
		sb_printf(out, "param %s\n", j->params[i]);
	for (unsigned int i = 0; i < j->nexcludes; i++)
		sb_printf(out, "exclude %s\n", j->excludes[i]);
	for (size_t i = 0; i < j->nstacks; i++)
		sb_printf(out, "stack %s %s\n", j->stacks[i].site, j->stacks[i].stack);
	for (size_t i = 0; i < j->nuncovered; i++)
		sb_printf(out, "uncovered %s\n", j->uncovered[i]);
	for (size_t i = 0; i < j->nphases; i++)
		sb_printf(out, "phase %s %lu %lu\n", j->phases[i].name, j->phases[i].first,
			  j->phases[i].last);
	for (unsigned int f = 0; f < j->recording.nfindings; f++)
		merge_finding(out, 0, &j->recording.findings[f]);
	journal_done_lines(out, &j->recording);
	sb_printf(out, "recording %lu\n", j->recording_loads);
	if (j->sequential)
		sb_puts(out, "sequential\n");
}

/* Load call of the shard that tries it, or NULL. */
static const struct journal_load *owner_load(const struct journal *shards, size_t n,
					     unsigned long call)
{
	for (size_t i = 0; i < n; i++)
		if (journal_owns(&shards[i], call))
			return journal_find((struct journal *)&shards[i], call);
	return NULL;
}

int journal_merge(const struct journal *shards, size_t n, struct strbuf *out, char **why)
{
	unsigned long *plan = NULL, total = 0;
	size_t nplan = 0;
	bool all_done = true;

	*why = NULL;
	if (!n) {
		*why = xstrdup("no journal given");
		return -1;
	}
	if (merge_check(shards, n, why))
		return -1;
	/* The plan: one shard's (all alike), or a sequential campaign's loads, all of them. */
	for (size_t i = 0; i < n; i++) {
		const struct journal *j = &shards[i];

		if (!i || j->total < total)
			total = j->total;	/* sequential: the shard that ran out first knows best */
		for (size_t l = 0; l < j->nloads; l++)
			if (!i || j->sequential) {
				plan = xrealloc(plan, (nplan + 1) * sizeof(*plan));
				plan[nplan++] = j->loads[l].n;
			}
	}
	qsort(plan, nplan, sizeof(*plan), cmp_ulong);
	merge_head(&shards[0], out);
	for (size_t p = 0; p < nplan; p++) {
		const struct journal_load *l = owner_load(shards, n, plan[p]);

		/* A sequential shard may have gone past the end another one found. */
		if ((p && plan[p] == plan[p - 1]) || (shards[0].sequential && plan[p] > total + 1))
			continue;
		sb_printf(out, "plan %lu%s%s", plan[p], l && l->expect ? " " : "",
			  l && l->expect ? l->expect : "");
		if (l && l->stack_id)
			sb_printf(out, " %#llx %lu", (unsigned long long)l->stack_id, l->stack_nth);
		sb_puts(out, "\n");
	}
	sb_printf(out, "total %lu\n", total);
	for (size_t p = 0; p < nplan; p++) {
		const struct journal_load *l = owner_load(shards, n, plan[p]);

		if ((p && plan[p] == plan[p - 1]) || (shards[0].sequential && plan[p] > total + 1))
			continue;
		if (l)
			merge_load(out, l);
		all_done &= l && l->status != LOAD_PENDING;
	}
	if (all_done)
		sb_puts(out, "end\n");
	free(plan);
	return 0;
}
