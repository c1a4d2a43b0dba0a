/* report.c: findings (rule violations, leaks, hangs, losses) out of decoded events. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "kernlog.h"
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

/*
 * A finding's call for the kernel's complaints it explains: its return
 * address (the stack's first frame: after a call, the site's; after a tail
 * call, its caller's), named as the kernel's call trace names it. group ~0:
 * a suppressed finding, whose complaints go with it.
 */
static void add_mark(struct report *rep, const struct event *ev, const struct frames *frames,
		     unsigned int group, int json_line)
{
	struct report_mark *m;

	if (!frames->n || !frames->known[0])
		return;
	rep->marks = xrealloc(rep->marks, (rep->nmarks + 1) * sizeof(*rep->marks));
	m = &rep->marks[rep->nmarks++];
	memset(m, 0, sizeof(*m));
	m->ts = ev->ts;
	m->frame = xstrdup(frames->name[0]);
	m->group = group;
	m->json_line = json_line;
}

/* FNV-1a. */
static unsigned int hash_key(const char *s)
{
	unsigned int h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* Where a driver is in its life, as its records tell: for the phase of a fault. */
enum report_phase { PHASE_NONE, PHASE_INIT, PHASE_AFTER_INIT };

static bool rule_is(const struct event *ev, const char *rule)
{
	return ev->msg && !strcmp(ev->msg->rule_id, rule);
}

static void note_life(struct report *rep, const struct event *ev)
{
	static const struct { const char *rule; enum report_phase phase; } life[] = {
		{ "ddv.driver-coming", PHASE_INIT }, { "ddv.driver-live", PHASE_AFTER_INIT },
		{ "ddv.init-failed", PHASE_NONE }, { "ddv.driver-going", PHASE_NONE },
		{ "ddv.attached", PHASE_AFTER_INIT },
	};

	for (unsigned int i = 0; i < sizeof(life) / sizeof(life[0]); i++) {
		if (!rule_is(ev, life[i].rule))
			continue;
		for (unsigned int a = 0; a < ev->nargs; a++) {
			if (strcmp(ev->args[a].name, "dut") || ev->args[a].value >= DECODE_MAX_DUTS)
				continue;
			rep->dut_phase[ev->args[a].value] = life[i].phase;
			if (i == 0 || i == 4)	/* coming, attached: a life begins */
				rep->dut_born[ev->args[a].value] = ev->ts;
		}
	}
	if (ev->module && ev->dut >= 0) {
		char *key = xasprintf(",%s,", ev->module);

		if (!rep->modules || !strstr(rep->modules, key)) {
			char *more = xasprintf("%s%s,", rep->modules ? rep->modules : ",", ev->module);

			free(rep->modules);
			rep->modules = more;
		}
		free(key);
	}
}

/* An injected fault, kept to name the likely cause of a kernel complaint after it. */
static void note_fault(struct report *rep, const struct event *ev)
{
	struct strbuf sb = { 0 };
	unsigned char phase = ev->dut >= 0 && ev->dut < DECODE_MAX_DUTS ? rep->dut_phase[ev->dut] : 0;

	sb_puts(&sb, ev->api ? ev->api : "?");
	if (ev->site)
		sb_printf(&sb, " at %s+0x%x [%s]", ev->site->func, ev->site->func_offset,
			  ev->module ? ev->module : "?");
	if (phase)
		sb_puts(&sb, phase == PHASE_INIT ? " (in init)" : " (after init)");
	rep->faults = xrealloc(rep->faults, (rep->nfaults + 1) * sizeof(*rep->faults));
	rep->faults[rep->nfaults++] = (struct report_fault){ .ts = ev->ts, .dut = ev->dut,
							     .what = sb.s };
	if (rep->html)
		html_add_mark(rep->html, ev->ts, MARK_FAULT, "%s", sb.s);
}

void report_event(struct decoder *dec, const struct event *ev, void *data)
{
	struct report *rep = data;
	struct frames frames;

	note_life(rep, ev);
	if (rule_is(ev, "ddv.fault-injected")) {
		rep->injected++;
		note_fault(rep, ev);
	}
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
			add_mark(rep, ev, &frames, ~0u, -1);
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
	if (rep->html) {
		char *where = case_name(ev);

		html_add_mark(rep->html, ev->ts, MARK_FINDING, "%s: %s",
			      ev->msg ? ev->msg->rule_id : "ddv.log-lost", where);
		free(where);
	}
	if (!ev->msg || ev->msg->severity == CAT_ERROR)
		rep->errors++;
	else
		rep->warnings++;
	group_finding(dec, ev, &frames, rep);
	frames_free(&frames);
}

/* The fault injected last in the finding's driver life, before it; NULL: none. */
static const char *fault_before(const struct report *rep, const struct event *ev)
{
	for (unsigned int i = rep->nfaults; ev->dut >= 0 && ev->dut < DECODE_MAX_DUTS && i--;) {
		const struct report_fault *f = &rep->faults[i];

		if (f->ts < rep->dut_born[ev->dut])
			break;
		if (f->dut == ev->dut && f->ts <= ev->ts)
			return f->what;
	}
	return NULL;
}

/* A new group's finding on the HTML page: its index there. */
static int html_group(struct decoder *dec, const struct event *ev, const struct frames *frames,
		      struct report *rep)
{
	struct strbuf sb = { 0 };
	struct html_finding *f;
	const char *fault = fault_before(rep, ev);

	if (ev->is_drop)
		sb_printf(&sb, "%" PRIu64 " records lost on cpu%u (ring full)", ev->dropped, ev->cpu);
	else
		event_message(dec, ev, &sb);
	f = html_add_finding(rep->html, ev->msg ? ev->msg->rule_id : ev->is_drop ?
			     "ddv.log-lost" : "ddv.unknown-message",
			     ev->msg ? cat_severity_name(ev->msg->severity) : "error", sb.s);
	sb_free(&sb);
	if (ev->module)
		f->driver = xstrdup(ev->module);
	if (ev->site) {
		struct strbuf src = { 0 };

		/* The source line from the driver's DWARF, where it has some (srcline.c). */
		if (event_site_source(dec, ev, &src))
			f->site = xasprintf("%s+0x%x at %s", ev->site->func, ev->site->func_offset,
					    src.s);
		else
			f->site = xasprintf("%s+0x%x", ev->site->func, ev->site->func_offset);
		sb_free(&src);
		/* A leak's site is where the object was made, as in the JSON (allocation_site). */
		f->call = xasprintf("%s%s %s", event_site_is_allocation(ev) ? "allocated by " : "",
				    site_kind(ev->site),
				    ev->api ? ev->api : "?");
	}
	if (ev->spec && ev->pack_id) {
		f->spec = xasprintf("%s:%u:%u", ev->spec->file, ev->spec->line, ev->spec->col);
		f->spec_line = html_spec_line(f->spec, ev->msg->rule_id, ev->msg->text);
	}
	for (unsigned int i = 0; i < frames->n; i++) {
		if (event_frame_source(dec, ev, i, &sb)) {
			char *frame = xasprintf("%s at %s", frames->name[i], sb.s);

			html_add_frame(f, frame);
			free(frame);
			sb_free(&sb);
		} else {
			html_add_frame(f, frames->name[i]);
		}
	}
	for (unsigned int i = 0; ev->pack_id && i < ev->nargs; i++) {
		event_arg_text(dec, ev, i, &sb);
		html_add_object(f, ev->args[i].name, sb.s ? sb.s : "");
		sb_free(&sb);
	}
	if (fault)
		f->fault = xstrdup(fault);
	return (int)rep->html->nfindings - 1;
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
		g->html = rep->html ? html_group(dec, ev, frames, rep) : -1;
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
	add_mark(rep, ev, frames, group, rep->json ? (int)rep->njson - 1 : -1);
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

		if (g->html >= 0)
			rep->html->findings[g->html].count = g->count;
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

/* --- the kernel's complaints --------------------------------------------- */

/* A complaint's frames as a suppression reads a stack (innermost first). */
static void complaint_frames(const struct kcomplaint *c, struct frames *f)
{
	memset(f, 0, sizeof(*f));
	for (unsigned int i = 0; i < c->nframes && f->n < EVENT_MAX_FRAMES; i++) {
		f->name[f->n] = xstrdup(c->frames[i]);
		f->known[f->n++] = true;
	}
}

static bool complaint_suppressed(struct report *rep, const struct kcomplaint *c, const char *rule)
{
	struct frames f;
	char *site;
	bool match;

	if (!rep->supp || !rep->supp->n)
		return false;
	site = xstrndup(c->where ? c->where : "-", strcspn(c->where ? c->where : "-", " "));
	complaint_frames(c, &f);
	match = suppressions_match(rep->supp, rule, site, &f) != NULL;
	frames_free(&f);
	free(site);
	return match;
}

/* The finding whose call the complaint came from (its frame in the trace), or NULL. */
static struct report_mark *complaint_mark(struct report *rep, const struct kcomplaint *c)
{
	/* Record times are ns, the kernel log's us, one clock; a second of slack. */
	uint64_t at = c->ts_us * 1000 + 1000000000ull;

	for (unsigned int m = 0; m < rep->nmarks; m++) {
		if (rep->marks[m].ts > at)
			continue;
		for (unsigned int i = 0; i < c->nframes; i++)
			if (!strcmp(c->frames[i], rep->marks[m].frame))
				return &rep->marks[m];
	}
	return NULL;
}

/* Whether a ddv.crash line of cli_findings is about a module the complaint names. */
static bool behind_crash(const struct kcomplaint *c, const char *cli_findings)
{
	for (const char *line = cli_findings; line && *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = strcspn(line, "\t\n");
		bool crash = strstr(line, "\terror ddv.crash:") &&
			     (!nl || strstr(line, "\terror ddv.crash:") < nl);

		if (crash && len) {
			char *module = xstrndup(line, len);
			bool named = kernlog_names_module(c, module);

			free(module);
			if (named)
				return true;
		}
		line = nl ? nl + 1 : NULL;
	}
	return false;
}

/* Whether the complaint names a driver under test, or came after a fault was injected. */
static bool complaint_relevant(const struct report *rep, const struct kcomplaint *c)
{
	if (rep->nfaults && rep->faults[0].ts <= c->ts_us * 1000)
		return true;
	for (const char *m = rep->modules; m && *m && m[1];) {
		const char *comma = strchr(m + 1, ',');
		char *name = xstrndup(m + 1, comma ? (size_t)(comma - m - 1) : strlen(m + 1));
		bool named = *name && kernlog_names_module(c, name);

		free(name);
		if (named)
			return true;
		m = comma;
	}
	return false;
}

/* The faults injected before time ts (ns): how many, and the last three, newest last. */
static unsigned int faults_before(const struct report *rep, uint64_t ts, unsigned int *first)
{
	unsigned int n = 0;

	while (n < rep->nfaults && rep->faults[n].ts <= ts)
		n++;
	*first = n > 3 ? n - 3 : 0;
	return n;
}

struct kernel_group {
	char *key;
	const struct kcomplaint *first;
	unsigned int count;
};

/* The trace's first frame is the RIP itself (an oops), not a return address. */
static bool rip_frame(const struct kcomplaint *c, unsigned int i)
{
	return !i && c->where && !strcmp(c->frames[0], c->where);
}

/* " PLACE" for a driver's frame of the kernel's log, when its DWARF gives it (ddv report). */
static bool frame_source_text(const struct report *rep, const char *frame, bool exact,
			      struct strbuf *out)
{
	struct srcloc loc;

	if (!rep->sources || !kernlog_driver_frame(frame, NULL, NULL) ||
	    !modsyms_frame_source(frame, exact, &loc))
		return false;
	sb_puts(out, " ");
	srcloc_text(&loc, out);
	srcloc_free(&loc);
	return true;
}

/* ,"KEY":{source} for a driver's frame of the kernel's log, when its DWARF gives it. */
static bool frame_source_json(const struct report *rep, const char *frame, bool exact,
			      struct strbuf *out)
{
	struct srcloc loc;

	if (!rep->sources || !frame || !kernlog_driver_frame(frame, NULL, NULL) ||
	    !modsyms_frame_source(frame, exact, &loc))
		return false;
	sb_puts(out, "{");
	srcloc_json(&loc, out);
	sb_puts(out, "}");
	srcloc_free(&loc);
	return true;
}

static void kernel_finding_text(const struct report *rep, const struct kernel_group *g,
				const char *rule, struct strbuf *out)
{
	const struct kcomplaint *c = g->first;
	uint64_t ts = c->ts_us * 1000;
	unsigned int first, n = faults_before(rep, ts, &first), driver = 0;

	sb_printf(out, "[%6" PRIu64 ".%06" PRIu64 "] kernel error %s: the kernel %s: %s",
		  c->ts_us / 1000000, c->ts_us % 1000000, rule,
		  c->kind == KC_WARNING ? "warned" : "reported a bug", c->title);
	if (g->count > 1)
		sb_printf(out, " [%u times]", g->count);
	sb_puts(out, "\n");
	if (c->where) {
		sb_printf(out, "    at %s", c->where);
		frame_source_text(rep, c->where, true, out);
		sb_puts(out, "\n");
	}
	for (unsigned int i = 0; i < c->nframes; i++) {
		if (!kernlog_driver_frame(c->frames[i], NULL, NULL))
			continue;
		sb_puts(out, driver++ ? " > " : "    driver frames: ");
		sb_puts(out, c->frames[i]);
	}
	if (driver)
		sb_puts(out, "\n");
	/* Then each driver frame the module's DWARF places, one a line. */
	for (unsigned int i = 0; i < c->nframes; i++) {
		struct strbuf place = { 0 };

		if (kernlog_driver_frame(c->frames[i], NULL, NULL) &&
		    frame_source_text(rep, c->frames[i], rip_frame(c, i), &place))
			sb_printf(out, "      %s%s\n", c->frames[i], place.s);
		sb_free(&place);
	}
	if (!n) {
		sb_puts(out, "    no fault had been injected before it\n");
		return;
	}
	sb_printf(out, "    likely cause: %u fault%s injected before it; the last:", n,
		  n == 1 ? "" : "s");
	for (unsigned int i = first; i < n; i++)
		sb_printf(out, "%s %s", i > first ? ";" : "", rep->faults[i].what);
	sb_printf(out, " (%.3f s before)\n", (double)(ts - rep->faults[n - 1].ts) / 1e9);
}

/* "where_source" and "frames_source" (null for a frame it does not place), when any is known. */
static void kernel_sources_json(const struct report *rep, const struct kcomplaint *c,
				struct strbuf *out)
{
	struct strbuf where = { 0 }, frames = { 0 };
	bool any = false;

	if (frame_source_json(rep, c->where, true, &where))
		sb_printf(out, ",\"where_source\":%s", where.s);
	for (unsigned int i = 0; i < c->nframes; i++) {
		sb_puts(&frames, i ? "," : ",\"frames_source\":[");
		if (frame_source_json(rep, c->frames[i], rip_frame(c, i), &frames))
			any = true;
		else
			sb_puts(&frames, "null");
	}
	if (any)
		sb_printf(out, "%s]", frames.s);
	sb_free(&where);
	sb_free(&frames);
}

static void kernel_finding_json(const struct report *rep, const struct kernel_group *g,
				const char *rule, struct strbuf *out)
{
	const struct kcomplaint *c = g->first;
	uint64_t ts = c->ts_us * 1000;
	unsigned int first, n = faults_before(rep, ts, &first);
	const char *module = NULL;
	size_t len = 0;
	bool any = false;

	sb_json_open(out);
	sb_printf(out, "\"ts\":%" PRIu64 ",\"rule\":\"%s\",\"severity\":\"error\",\"message\":",
		  ts, rule);
	sb_json_str(out, c->title);
	sb_puts(out, ",\"where\":");
	if (c->where)
		sb_json_str(out, c->where);
	else
		sb_puts(out, "null");
	sb_puts(out, ",\"frames\":[");
	for (unsigned int i = 0; i < c->nframes; i++) {
		sb_puts(out, i ? "," : "");
		sb_json_str(out, c->frames[i]);
		if (!module)
			kernlog_driver_frame(c->frames[i], &module, &len);
	}
	sb_puts(out, "]");
	kernel_sources_json(rep, c, out);
	sb_puts(out, ",\"driver\":");
	if (module) {
		char *name = xstrndup(module, len);

		sb_json_str(out, name);
		free(name);
	} else {
		sb_puts(out, "null");
	}
	sb_printf(out, ",\"kernel_log_seq\":%" PRIu64 ",\"faults_before\":%u,\"last_faults\":[",
		  c->seq, n);
	for (unsigned int i = first; i < n; i++) {
		sb_puts(out, any ? "," : "");
		sb_json_str(out, rep->faults[i].what);
		any = true;
	}
	sb_printf(out, "],\"group\":%u,\"count\":%u}\n", rep->ngroups_total + 1, g->count);
}

/* A kernel complaint's group as a CI case: its text's first line the message, named by its RIP. */
static void kernel_finding_case(struct report *rep, const struct kernel_group *g, const char *rule)
{
	struct strbuf text = { 0 };
	const char *msg;
	char *message, *name;

	kernel_finding_text(rep, g, rule, &text);
	msg = strstr(text.s, ": the kernel ");
	msg = msg ? msg + 2 : text.s;
	message = xstrndup(msg, strcspn(msg, "\n"));
	name = xstrdup(g->first->where ? g->first->where : "kernel");
	ci_add(rep->ci, CI_FAIL, rule, name, message, text.s);
	free(message);
	free(name);
	sb_free(&text);
}

/* A kernel complaint's group on the HTML page, and its point on the timeline. */
static void kernel_finding_html(const struct report *rep, const struct kernel_group *g,
				const char *rule)
{
	const struct kcomplaint *c = g->first;
	unsigned int first, n = faults_before(rep, c->ts_us * 1000, &first);
	const char *module = NULL;
	struct html_finding *f;
	struct strbuf sb = { 0 };
	size_t len = 0;

	sb_printf(&sb, "the kernel %s: %s", c->kind == KC_WARNING ? "warned" : "reported a bug",
		  c->title);
	f = html_add_finding(rep->html, rule, "error", sb.s);
	sb_free(&sb);
	f->count = g->count;
	if (c->where)
		f->site = xstrdup(c->where);
	for (unsigned int i = 0; i < c->nframes; i++) {
		html_add_frame(f, c->frames[i]);
		if (!module)
			kernlog_driver_frame(c->frames[i], &module, &len);
	}
	if (module)
		f->driver = xstrndup(module, len);
	for (unsigned int i = first; i < n; i++)
		sb_printf(&sb, "%s%s", i > first ? "; " : "", rep->faults[i].what);
	if (n)
		f->fault = xasprintf("%u fault%s injected before it; the last: %s", n,
				     n == 1 ? "" : "s", sb.s);
	sb_free(&sb);
	html_add_mark(rep->html, c->ts_us * 1000, MARK_KERNEL, "%s: %s", rule, c->title);
}

/* The complaints a finding's call explains, told with it. */
static void fold_into_findings(struct report *rep)
{
	for (unsigned int m = 0; m < rep->nmarks; m++) {
		struct report_mark *mk = &rep->marks[m];

		if (mk->kernel && mk->group < rep->ngroups && rep->groups[mk->group].text.s)
			sb_printf(&rep->groups[mk->group].text,
				  "    the kernel complained in this call%s: %s\n",
				  mk->kernel > 1 ? " (more than once)" : "", mk->kernel_title);
		if (mk->kernel && mk->group < rep->ngroups && rep->groups[mk->group].html >= 0) {
			struct html_finding *f = &rep->html->findings[rep->groups[mk->group].html];

			free(f->note);
			f->note = xasprintf("the kernel complained in this call%s: %s",
					    mk->kernel > 1 ? " (more than once)" : "",
					    mk->kernel_title);
		}
		if (mk->kernel && mk->json_line >= 0 && (unsigned int)mk->json_line < rep->njson) {
			sb_puts(&rep->json_lines[mk->json_line], ",\"kernel\":");
			sb_json_str(&rep->json_lines[mk->json_line], mk->kernel_title);
		}
		free(mk->frame);
		free(mk->kernel_title);
	}
	free(rep->marks);
	rep->marks = NULL;
	rep->nmarks = 0;
}

void report_kernel(struct report *rep, const struct kcomplaints *kc, const char *cli_findings)
{
	struct kernel_group *groups = NULL;
	unsigned int ngroups = 0;

	for (size_t i = 0; i < kc->n; i++) {
		const struct kcomplaint *c = &kc->v[i];
		struct report_mark *mk;
		unsigned int g;
		char *key;

		if (!complaint_relevant(rep, c))
			continue;
		mk = complaint_mark(rep, c);
		if (mk || (c->kind == KC_BUG && behind_crash(c, cli_findings))) {
			if (mk && !mk->kernel++)
				mk->kernel_title = xstrdup(c->title);
			rep->kernel_folded++;
			continue;
		}
		if (complaint_suppressed(rep, c, c->kind == KC_WARNING ? "ddv.kernel-warning" :
					 "ddv.kernel-bug")) {
			rep->suppressed++;
			continue;
		}
		kernlog_key(c, true, &key);
		for (g = 0; g < ngroups && strcmp(groups[g].key, key); g++)
			;
		if (g < ngroups) {
			groups[g].count++;
			free(key);
			continue;
		}
		groups = xrealloc(groups, (ngroups + 1) * sizeof(*groups));
		groups[ngroups++] = (struct kernel_group){ .key = key, .first = c, .count = 1 };
	}
	fold_into_findings(rep);
	flush_groups(rep);
	for (unsigned int g = 0; g < ngroups; g++) {
		const char *rule = groups[g].first->kind == KC_WARNING ? "ddv.kernel-warning" :
				   "ddv.kernel-bug";

		rep->findings += groups[g].count;
		rep->errors += groups[g].count;
		if (rep->json)
			kernel_finding_json(rep, &groups[g], rule, &rep->out);
		else if (rep->ci)
			kernel_finding_case(rep, &groups[g], rule);
		else
			kernel_finding_text(rep, &groups[g], rule, &rep->out);
		if (rep->html)
			kernel_finding_html(rep, &groups[g], rule);
		rep->ngroups_total++;
		free(groups[g].key);
	}
	free(groups);
	rep->kernel_lost = kc->lost;
	for (unsigned int f = 0; f < rep->nfaults; f++)
		free(rep->faults[f].what);
	free(rep->faults);
	rep->faults = NULL;
	rep->nfaults = 0;
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

/* A kept finding on the HTML page: its text "SEVERITY RULE: MESSAGE", its JSON's last fault. */
static void cli_finding_html(struct html_page *page, const char *module, const char *text,
			     const char *json)
{
	const char *rule = strchr(text, ' '), *fault = strstr(json, "\"last_fault\":\"");
	char *id = rule ? xstrndup(rule + 1, strcspn(rule + 1, ": ")) : xstrdup("ddv.finding");
	const char *message = strstr(text, ": ");
	struct html_finding *f = html_add_finding(page, id, "error", message ? message + 2 : text);

	f->driver = xstrdup(module);
	if (fault) {
		fault += strlen("\"last_fault\":\"");
		f->fault = xstrndup(fault, strcspn(fault, "\""));
	}
	html_add_mark(page, ~0ull, MARK_STOP, "%s: %s", id, module);
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
				if (rep->html)
					cli_finding_html(rep->html, copy, text, json);
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
			  ",\"kernel_log_lost\":%" PRIu64
			  ",\"unknown_messages\":%" PRIu64 ",\"groups\":%u,\"suppressed\":%u}}\n",
			  rep->findings, rep->errors, rep->warnings, rep->injected, rep->drivers,
			  dec->records, dec->dropped, dec->garbage, rep->kernel_lost, dec->unknown,
			  rep->ngroups_total,
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
	if (rep->kernel_lost)
		sb_printf(&text, ", %" PRIu64 " kernel log records overwritten before ddv read "
			  "them: kernel complaints may be missing or undercounted", rep->kernel_lost);
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

/*
 * Every finding's reproducer: the session's ddv commands, as ddv start kept
 * them (state_add_command). What ran between them (a workload) is not known.
 */
static void html_session_reproducer(struct html_page *p)
{
	char *path = state_path(STATE_COMMANDS), *cmds = NULL;
	struct strbuf text = { 0 };
	size_t size;

	if (!read_whole_file(path, (void **)&cmds, &size) && size) {
		sb_puts(&text, "ddv start\n");
		sb_add(&text, cmds, size);
		sb_puts(&text, "(and what ran between them, which ddv does not keep)");
		for (unsigned int i = 0; i < p->nfindings; i++)
			if (!p->findings[i].reproducer)
				p->findings[i].reproducer = xstrdup(text.s);
	}
	sb_free(&text);
	free(cmds);
	free(path);
}

void report_html(struct report *rep, const struct decoder *dec)
{
	struct html_page *p = rep->html;
	struct strbuf drivers = { 0 };

	p->title = xstrdup("ddv report");
	for (const char *m = rep->modules; m && *m && m[1];) {
		const char *comma = strchr(m + 1, ',');
		size_t len = comma ? (size_t)(comma - m - 1) : strlen(m + 1);

		sb_printf(&drivers, "%s%.*s", drivers.len ? ", " : "", (int)len, m + 1);
		m = comma;
	}
	html_fact(p, "drivers", "%s", drivers.s ? drivers.s : "none");
	html_common_facts(p, NULL);
	html_session_reproducer(p);
	html_fact(p, "state directory", "%s", state_dir());
	sb_free(&drivers);
	html_count(p, "findings", "%u", rep->findings);
	html_count(p, "errors", "%u", rep->errors);
	html_count(p, "warnings", "%u", rep->warnings);
	html_count(p, "distinct (rule, driver, site, stack)", "%u", rep->ngroups_total);
	html_count(p, "faults injected", "%u", rep->injected);
	html_count(p, "driver lives checked", "%u", rep->drivers);
	html_count(p, "suppressed", "%u", rep->suppressed);
	html_count(p, "records", "%" PRIu64, dec->records);
	html_count(p, "records lost", "%" PRIu64 "%s", dec->dropped,
		   dec->dropped ? ": findings may be missing" : "");
	html_count(p, "kernel log records lost", "%" PRIu64, rep->kernel_lost);
	html_count(p, "records no catalog explains", "%" PRIu64, dec->unknown);
	if (report_nothing_checked(rep)) {
		p->outcome = VERDICT_NOTHING;
		p->verdict = xstrdup(REPORT_NOTHING_CHECKED);
	} else if (rep->findings) {
		p->outcome = VERDICT_FINDINGS;
		p->verdict = xasprintf("%u finding%s (%u error%s, %u warning%s) in %u driver "
				       "li%s, %u fault%s injected", rep->findings,
				       rep->findings == 1 ? "" : "s", rep->errors,
				       rep->errors == 1 ? "" : "s", rep->warnings,
				       rep->warnings == 1 ? "" : "s", rep->drivers,
				       rep->drivers == 1 ? "fe" : "ves", rep->injected,
				       rep->injected == 1 ? "" : "s");
	} else {
		p->outcome = VERDICT_CLEAN;
		p->verdict = xasprintf("no finding in %u driver li%s, %u fault%s injected",
				       rep->drivers, rep->drivers == 1 ? "fe" : "ves", rep->injected,
				       rep->injected == 1 ? "" : "s");
	}
	html_sort_marks(p);
}
