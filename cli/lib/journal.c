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

struct journal_load *journal_next(struct journal *j)
{
	for (size_t i = 0; i < j->nloads; i++)
		if (j->loads[i].status == LOAD_PENDING)
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
	l->findings = NULL;
	l->nfindings = 0;
	l->fault = NULL;
	l->injected = 0;
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

/* One complete line; false when it is not one the journal writes. */
static bool parse_line(struct journal *j, char *line)
{
	char *words[5] = { 0 }, *save = NULL, *rest = NULL;
	unsigned int nw = 0;
	struct journal_load *l;
	unsigned long n;
	char *end;

	/* A finding's stack is the rest of its line, blanks and all; so is a site's. */
	if (!strncmp(line, "finding ", 8) || !strncmp(line, "stack ", 6)) {
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
	if (!strcmp(words[0], "stack")) {
		if (nw != 2 || !rest || !*rest)
			return false;
		/* A recording made again says it again: the last word goes. */
		for (size_t i = 0; i < j->nstacks; i++)
			if (!strcmp(j->stacks[i].site, words[1])) {
				free(j->stacks[i].stack);
				j->stacks[i].stack = xstrdup(rest);
				return true;
			}
		j->stacks = xrealloc(j->stacks, (j->nstacks + 1) * sizeof(*j->stacks));
		j->stacks[j->nstacks].site = xstrdup(words[1]);
		j->stacks[j->nstacks++].stack = xstrdup(rest);
		return true;
	}
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
	if (!strcmp(words[0], "done")) {
		enum load_status s;

		if (nw != 5 || (s = status_by_name(words[2])) == LOAD_NSTATUS)
			return false;
		/* Its findings came before it; a later verdict replaces the fault only. */
		free(l->fault);
		l->status = s;
		l->injected = strtoul(words[3], NULL, 10);
		l->fault = strcmp(words[4], "-") ? xstrdup(words[4]) : NULL;
		return true;
	}
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
	for (size_t i = 0; i < j->nphases; i++)
		free(j->phases[i].name);
	free(j->phases);
	memset(j, 0, sizeof(*j));
}

const char *journal_phase_of(const struct journal *j, unsigned long n)
{
	for (size_t i = 0; i < j->nphases; i++)
		if (n >= j->phases[i].first && n <= j->phases[i].last)
			return j->phases[i].name;
	return NULL;
}
