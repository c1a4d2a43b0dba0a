/* report.c: findings (rule violations, leaks, hangs, losses) out of decoded events. */
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include "cli.h"

static void group_text(struct decoder *dec, const struct event *ev, struct report *rep);

/* FNV-1a. */
static unsigned int hash_key(const char *s)
{
	unsigned int h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* RULE[@SITE], or a file of them (a path, or a name that is a readable file). */
int suppressions_add(struct suppressions *s, const char *arg)
{
	char *text = NULL, *line, *save = NULL;
	size_t size;

	if (strchr(arg, '/') || !access(arg, R_OK)) {
		if (read_whole_file(arg, (void **)&text, &size)) {
			ddv_error(errno, "suppression file %s", arg);
			return -1;
		}
		text = xrealloc(text, size + 1);
		text[size] = '\0';
	} else {
		text = xstrdup(arg);
	}
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *at;
		size_t len;

		line += strspn(line, " \t");
		line[strcspn(line, "#")] = '\0';
		len = strlen(line);
		while (len && (line[len - 1] == ' ' || line[len - 1] == '\t'))
			line[--len] = '\0';
		if (!len)
			continue;
		s->v = xrealloc(s->v, (s->n + 1) * sizeof(*s->v));
		at = strchr(line, '@');
		s->v[s->n].rule = xstrndup(line, at ? (size_t)(at - line) : len);
		s->v[s->n].site = at ? xstrdup(at + 1) : NULL;
		s->n++;
	}
	free(text);
	return 0;
}

bool suppressions_match(const struct suppressions *s, const char *rule, const char *site)
{
	for (unsigned int i = 0; s && i < s->n; i++)
		if (!fnmatch(s->v[i].rule, rule, 0) &&
		    (!s->v[i].site || !fnmatch(s->v[i].site, site, 0)))
			return true;
	return false;
}

void suppressions_free(struct suppressions *s)
{
	for (unsigned int i = 0; i < s->n; i++) {
		free(s->v[i].rule);
		free(s->v[i].site);
	}
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

void report_event(struct decoder *dec, const struct event *ev, void *data)
{
	struct report *rep = data;

	if (ev->msg && !strcmp(ev->msg->rule_id, "ddv.fault-injected"))
		rep->injected++;
	if (!event_is_finding(ev))
		return;
	if (rep->supp && rep->supp->n) {
		char site[300];

		if (ev->site)
			snprintf(site, sizeof(site), "%s+0x%x", ev->site->func,
				 ev->site->func_offset);
		else
			snprintf(site, sizeof(site), "-");
		if (suppressions_match(rep->supp, ev->msg ? ev->msg->rule_id : "ddv.log-lost",
				       site)) {
			rep->suppressed++;
			return;
		}
	}
	if (ev->msg && !strcmp(ev->msg->rule_id, "ddv.hang") && ev->module) {
		char *seen = xasprintf("%s%s,", rep->hang_seen ? rep->hang_seen : ",", ev->module);

		free(rep->hang_seen);
		rep->hang_seen = seen;
	}
	rep->findings++;
	if (!ev->msg || ev->msg->severity == CAT_ERROR)
		rep->errors++;
	else
		rep->warnings++;
	if (rep->json) {
		event_json(dec, ev, &rep->out);
		return;
	}
	group_text(dec, ev, rep);
}

/*
 * Text reports group findings of one rule at one call site (leaks by their
 * allocation site): the first occurrence is shown, with how many there were.
 * JSON keeps one object per finding.
 */
static void group_text(struct decoder *dec, const struct event *ev, struct report *rep)
{
	struct strbuf key = { 0 };
	struct report_group *g;

	unsigned int h, slot;

	sb_printf(&key, "%s|%s|%s|%u", ev->msg ? ev->msg->rule_id : "?",
		  ev->module ? ev->module : "", ev->site ? ev->site->func : "",
		  ev->site ? ev->site->func_offset : 0);
	/* An open-addressing index over the groups: a million findings stay linear. */
	if (rep->ngroups * 2 >= rep->index_size) {
		unsigned int size = rep->index_size ? rep->index_size * 2 : 256;

		free(rep->index);
		rep->index = xcalloc(size, sizeof(*rep->index));
		rep->index_size = size;
		for (unsigned int i = 0; i < rep->ngroups; i++) {
			for (slot = hash_key(rep->groups[i].key) & (size - 1); rep->index[slot];
			     slot = (slot + 1) & (size - 1))
				;
			rep->index[slot] = i + 1;
		}
	}
	h = hash_key(key.s);
	for (slot = h & (rep->index_size - 1); rep->index[slot];
	     slot = (slot + 1) & (rep->index_size - 1)) {
		struct report_group *old = &rep->groups[rep->index[slot] - 1];

		if (!strcmp(old->key, key.s)) {
			old->count++;
			sb_free(&key);
			return;
		}
	}
	rep->index[slot] = rep->ngroups + 1;
	rep->groups = xrealloc(rep->groups, (rep->ngroups + 1) * sizeof(*rep->groups));
	g = &rep->groups[rep->ngroups++];
	memset(g, 0, sizeof(*g));
	g->key = key.s;
	g->count = 1;
	event_text(dec, ev, &g->text);
}

/* Moves the grouped findings to the output, in the order they first came. */
static void flush_groups(struct report *rep)
{
	for (unsigned int i = 0; i < rep->ngroups; i++) {
		struct report_group *g = &rep->groups[i];
		size_t first_line = strcspn(g->text.s, "\n");

		sb_add(&rep->out, g->text.s, first_line);
		if (g->count > 1)
			sb_printf(&rep->out, " [%u times]", g->count);
		sb_puts(&rep->out, g->text.s + first_line);
		sb_free(&g->text);
		free(g->key);
	}
	free(rep->groups);
	free(rep->index);
	rep->groups = NULL;
	rep->index = NULL;
	rep->ngroups = 0;
	rep->index_size = 0;
}

/* A kept finding's text is "SEVERITY RULE: ...": it has no site. */
static bool cli_finding_suppressed(const struct report *rep, const char *text)
{
	const char *rule = strchr(text, ' ');
	char *id;
	bool match;

	if (!rep->supp || !rule)
		return false;
	rule++;
	id = xstrndup(rule, strcspn(rule, ": "));
	match = suppressions_match(rep->supp, id, "-");
	free(id);
	return match;
}

/*
 * The command's own findings (a load that hangs), one per line as
 * "module<TAB>text<TAB>json". A hang the runtime reported too is not repeated.
 */
void report_cli_findings(struct report *rep, const char *lines)
{
	const char *line = lines;

	flush_groups(rep);
	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char *copy = xstrndup(line, len);
		char *text = strchr(copy, '\t'), *json = text ? strchr(text + 1, '\t') : NULL;

		if (json) {
			char *key;

			*text++ = '\0';
			*json++ = '\0';
			key = xasprintf(",%s,", copy);
			if (cli_finding_suppressed(rep, text)) {
				rep->suppressed++;
			} else if (!rep->hang_seen || !strstr(rep->hang_seen, key)) {
				rep->findings++;
				rep->errors++;
				sb_printf(&rep->out, "%s\n", rep->json ? json : text);
			}
			free(key);
		}
		free(copy);
		line = nl ? nl + 1 : NULL;
	}
}

/* "N findings", and what makes them incomplete: records lost, garbage, unknown messages. */
void report_summary(struct report *rep, const struct decoder *dec)
{
	flush_groups(rep);
	if (rep->json) {
		sb_printf(&rep->out, "{\"summary\":{\"findings\":%u,\"errors\":%u,\"warnings\":%u,"
			  "\"faults_injected\":%u,\"records\":%" PRIu64 ",\"records_lost\":%" PRIu64
			  ",\"garbage\":%" PRIu64 ",\"unknown_messages\":%" PRIu64 "}}\n",
			  rep->findings, rep->errors, rep->warnings, rep->injected, dec->records,
			  dec->dropped, dec->garbage, dec->unknown);
		return;
	}
	sb_printf(&rep->out, "%u finding%s (%u error%s, %u warning%s), %u fault%s injected",
		  rep->findings, rep->findings == 1 ? "" : "s", rep->errors,
		  rep->errors == 1 ? "" : "s", rep->warnings, rep->warnings == 1 ? "" : "s",
		  rep->injected, rep->injected == 1 ? "" : "s");
	if (rep->suppressed)
		sb_printf(&rep->out, ", %u suppressed", rep->suppressed);
	if (dec->dropped)
		sb_printf(&rep->out, ", %" PRIu64 " log records LOST: findings may be missing",
			  dec->dropped);
	if (dec->garbage)
		sb_printf(&rep->out, ", %" PRIu64 " stretches of garbage skipped", dec->garbage);
	if (dec->unknown)
		sb_printf(&rep->out, ", %" PRIu64 " records no catalog explains", dec->unknown);
	sb_puts(&rep->out, "\n");
}
