/* report.c: findings (rule violations, leaks, hangs, losses) out of decoded events. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "util.h"
#include "catalog.h"

static void group_finding(struct decoder *dec, const struct event *ev, const struct frames *frames,
			  struct report *rep);

/* A CI case's name: where the finding is, "DRIVER: FUNC+0xOFF API", one line. */
static char *case_name(const struct event *ev)
{
	if (ev->is_drop)
		return xasprintf("cpu%u", ev->cpu);
	if (ev->module && ev->site)
		return xasprintf("%s: %s+0x%x %s", ev->module, ev->site->func,
				 ev->site->func_offset, ev->api ? ev->api : ev->site->symbol);
	return xstrdup(ev->module ? ev->module : ev->api ? ev->api : "-");
}

/* FNV-1a. */
static unsigned int hash_key(const char *s)
{
	unsigned int h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

void report_event(struct decoder *dec, const struct event *ev, void *data)
{
	struct report *rep = data;
	struct frames frames;

	if (ev->msg && !strcmp(ev->msg->rule_id, "ddv.fault-injected"))
		rep->injected++;
	if (ev->msg && (!strcmp(ev->msg->rule_id, "ddv.driver-coming") ||
			!strcmp(ev->msg->rule_id, "ddv.attached")))
		rep->drivers++;
	if (!event_is_finding(ev))
		return;
	event_frames(ev, &frames);
	if (rep->supp && rep->supp->n) {
		char site[300];

		if (ev->site)
			snprintf(site, sizeof(site), "%s+0x%x", ev->site->func,
				 ev->site->func_offset);
		else
			snprintf(site, sizeof(site), "-");
		if (suppressions_match(rep->supp, ev->msg ? ev->msg->rule_id : "ddv.log-lost",
				       site, &frames)) {
			rep->suppressed++;
			frames_free(&frames);
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
	group_finding(dec, ev, &frames, rep);
	frames_free(&frames);
}

/*
 * Identical findings (one rule, driver, site and named stack; leaks by their
 * allocation site) form a group. Text shows a group's first finding once,
 * with how many there were; JSON keeps one object per finding and adds its
 * group and the group's count.
 */
static void group_finding(struct decoder *dec, const struct event *ev, const struct frames *frames,
			  struct report *rep)
{
	struct strbuf key = { 0 };
	struct report_group *g;
	unsigned int h, slot, group;

	sb_printf(&key, "%s|%s|%s|%u|",
		  ev->msg ? ev->msg->rule_id : ev->is_drop ? "ddv.log-lost" : "?",
		  ev->module ? ev->module : "", ev->site ? ev->site->func : "",
		  ev->site ? ev->site->func_offset : 0);
	frames_join(frames, true, &key);
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
	     slot = (slot + 1) & (rep->index_size - 1))
		if (!strcmp(rep->groups[rep->index[slot] - 1].key, key.s))
			break;
	if (rep->index[slot]) {
		group = rep->index[slot] - 1;
		rep->groups[group].count++;
		sb_free(&key);
	} else {
		group = rep->ngroups;
		rep->index[slot] = group + 1;
		rep->groups = xrealloc(rep->groups, (rep->ngroups + 1) * sizeof(*rep->groups));
		g = &rep->groups[rep->ngroups++];
		memset(g, 0, sizeof(*g));
		g->key = key.s;
		g->count = 1;
		if (!rep->json)
			event_text(dec, ev, &g->text);
		if (rep->ci) {
			g->rule = xstrdup(ev->msg ? ev->msg->rule_id : "ddv.log-lost");
			g->where = case_name(ev);
		}
	}
	if (rep->json) {
		struct strbuf *line;

		rep->json_lines = xrealloc(rep->json_lines,
					   (rep->njson + 1) * sizeof(*rep->json_lines));
		rep->json_group = xrealloc(rep->json_group,
					   (rep->njson + 1) * sizeof(*rep->json_group));
		line = &rep->json_lines[rep->njson];
		memset(line, 0, sizeof(*line));
		event_json(dec, ev, line);
		/* "...}\n": the group's fields go before the closing brace at the flush. */
		if (line->len >= 2)
			line->len -= 2;
		rep->json_group[rep->njson++] = group;
	}
}

/*
 * A group's case: its text's first line without the time and CPU is the
 * message; the text (stack included) and how many there were the detail.
 */
static void group_case(struct ci_result *ci, const struct report_group *g)
{
	const char *text = g->text.s ? g->text.s : "";
	const char *msg = strstr(text, "] cpu");
	struct strbuf detail = { 0 };
	char *message;

	msg = msg ? msg + strcspn(msg + 2, " ") + 3 : text;
	message = xstrndup(msg, strcspn(msg, "\n"));
	if (g->count > 1)
		sb_printf(&detail, "%u identical findings (rule, driver, site, stack); the first:\n",
			  g->count);
	sb_puts(&detail, text);
	ci_add(ci, CI_FAIL, g->rule, g->where, message, detail.s);
	free(message);
	sb_free(&detail);
}

/* Moves the grouped findings to the output, in the order they first came. */
static void flush_groups(struct report *rep)
{
	for (unsigned int i = 0; i < rep->njson; i++) {
		struct strbuf *line = &rep->json_lines[i];
		unsigned int group = rep->json_group[i];

		sb_add(&rep->out, line->s, line->len);
		sb_printf(&rep->out, ",\"group\":%u,\"count\":%u}\n", group + 1,
			  rep->groups[group].count);
		sb_free(line);
	}
	for (unsigned int i = 0; i < rep->ngroups; i++) {
		struct report_group *g = &rep->groups[i];

		if (rep->ci) {
			group_case(rep->ci, g);
		} else if (g->text.s) {
			size_t first_line = strcspn(g->text.s, "\n");

			sb_add(&rep->out, g->text.s, first_line);
			if (g->count > 1)
				sb_printf(&rep->out, " [%u times]", g->count);
			sb_puts(&rep->out, g->text.s + first_line);
		}
		sb_free(&g->text);
		free(g->key);
		free(g->rule);
		free(g->where);
	}
	rep->ngroups_total += rep->ngroups;
	free(rep->json_lines);
	free(rep->json_group);
	free(rep->groups);
	free(rep->index);
	rep->json_lines = NULL;
	rep->json_group = NULL;
	rep->njson = 0;
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
	match = suppressions_match(rep->supp, id, "-", NULL) != NULL;
	free(id);
	return match;
}

/*
 * A kept finding's JSON (ddv load writes "{"rule":..}"), with the version
 * first and its group (its own) last, as every finding's.
 */
static void cli_finding_json(struct report *rep, const char *json)
{
	size_t len = strlen(json);

	if (json[0] != '{' || len < 2 || json[len - 1] != '}') {
		sb_printf(&rep->out, "%s\n", json);	/* not ours: as it is */
		return;
	}
	sb_json_open(&rep->out);
	sb_printf(&rep->out, "%.*s,\"group\":%u,\"count\":1}\n", (int)len - 2, json + 1,
		  rep->ngroups_total);
}

/* A kept finding's case, its rule from its text ("SEVERITY RULE: ..."). */
static void cli_finding_case(struct ci_result *ci, const char *module, const char *text)
{
	const char *rule = strchr(text, ' ');
	char *id = rule ? xstrndup(rule + 1, strcspn(rule + 1, ": ")) : xstrdup("ddv.finding");

	ci_add(ci, CI_FAIL, id, module, text, text);
	free(id);
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
				rep->ngroups_total++;
				if (rep->ci)
					cli_finding_case(rep->ci, copy, text);
				else if (!rep->json)
					sb_printf(&rep->out, "%s\n", text);
				else
					cli_finding_json(rep, json);
			}
			free(key);
		}
		free(copy);
		line = nl ? nl + 1 : NULL;
	}
}

bool report_nothing_checked(const struct report *rep)
{
	return !rep->findings && !rep->suppressed && !rep->drivers;
}

/* "N findings", and what makes them incomplete: records lost, garbage, unknown messages. */
void report_summary(struct report *rep, const struct decoder *dec)
{
	struct strbuf text = { 0 };
	size_t summary_at;

	flush_groups(rep);
	if (rep->json) {
		sb_json_open(&rep->out);
		sb_printf(&rep->out, "\"summary\":{\"findings\":%u,\"errors\":%u,\"warnings\":%u,"
			  "\"faults_injected\":%u,\"drivers\":%u,\"records\":%" PRIu64
			  ",\"records_lost\":%" PRIu64 ",\"garbage\":%" PRIu64
			  ",\"unknown_messages\":%" PRIu64 ",\"groups\":%u,\"suppressed\":%u}}\n",
			  rep->findings, rep->errors, rep->warnings, rep->injected, rep->drivers,
			  dec->records,
			  dec->dropped, dec->garbage, dec->unknown, rep->ngroups_total,
			  rep->suppressed);
		/* Each pattern's count goes before the summary's two closing braces. */
		if (rep->supp && rep->supp->n) {
			rep->out.len -= 3;
			sb_puts(&rep->out, ",\"suppressions\":[");
			for (unsigned int i = 0; i < rep->supp->n; i++) {
				const struct suppression *one = &rep->supp->v[i];

				sb_puts(&rep->out, i ? ",{\"pattern\":" : "{\"pattern\":");
				sb_json_str(&rep->out, one->text);
				if (one->origin) {
					sb_puts(&rep->out, ",\"origin\":");
					sb_json_str(&rep->out, one->origin);
				}
				sb_printf(&rep->out, ",\"findings\":%u}", one->hits);
			}
			sb_puts(&rep->out, "]}}\n");
		}
		return;
	}
	/* Never silent: each suppression that took findings says how many. */
	for (unsigned int i = 0; rep->supp && i < rep->supp->n; i++) {
		const struct suppression *one = &rep->supp->v[i];

		if (one->hits)
			sb_printf(&text, "suppressed %u by %s%s%s%s\n", one->hits, one->text,
				  one->origin ? " (" : "", one->origin ? one->origin : "",
				  one->origin ? ")" : "");
	}
	summary_at = text.len;
	sb_printf(&text, "%u finding%s (%u error%s, %u warning%s), %u fault%s injected",
		  rep->findings, rep->findings == 1 ? "" : "s", rep->errors,
		  rep->errors == 1 ? "" : "s", rep->warnings, rep->warnings == 1 ? "" : "s",
		  rep->injected, rep->injected == 1 ? "" : "s");
	if (rep->findings)
		sb_printf(&text, ", %u distinct", rep->ngroups_total);
	if (rep->suppressed)
		sb_printf(&text, ", %u suppressed", rep->suppressed);
	if (dec->dropped)
		sb_printf(&text, ", %" PRIu64 " log records LOST: findings may be missing",
			  dec->dropped);
	if (dec->garbage)
		sb_printf(&text, ", %" PRIu64 " stretches of garbage skipped", dec->garbage);
	if (dec->unknown)
		sb_printf(&text, ", %" PRIu64 " records no catalog explains", dec->unknown);
	if (!rep->ci) {
		sb_printf(&rep->out, "%s\n", text.s);
		sb_free(&text);
		return;
	}
	/* A CI report: the summary above, and one case that says whether anything was checked. */
	rep->ci->title = xstrdup("ddv report");
	rep->ci->summary = xasprintf("ddv report: %s; %u driver li%s checked", text.s + summary_at,
				     rep->drivers, rep->drivers == 1 ? "fe" : "ves");
	text.s[summary_at] = '\0';
	if (report_nothing_checked(rep))
		ci_add(rep->ci, CI_ERROR, "ddv", "session", REPORT_NOTHING_CHECKED,
		       *text.s ? text.s : NULL);
	else
		ci_add(rep->ci, CI_PASS, "ddv", "session", rep->ci->summary,
		       *text.s ? text.s : NULL);
	ci_write(rep->ci, rep->ci_format, &rep->out);
	sb_free(&text);
}
