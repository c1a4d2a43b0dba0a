/* htmlreport.c: the HTML page of a report or a campaign (htmlreport.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/utsname.h>

#include "config.h"
#include "htmlreport.h"
#include "runtime.h"

static char *vformat(const char *fmt, va_list ap)
{
	struct strbuf sb = { 0 };
	va_list copy;
	int n;

	va_copy(copy, ap);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	sb.s = xmalloc(n + 1);
	vsnprintf(sb.s, n + 1, fmt, ap);
	return sb.s;
}

static void add_pair(char ***v, unsigned int *n, const char *name, char *value)
{
	*v = xrealloc(*v, (*n + 2) * sizeof(**v));
	(*v)[(*n)++] = xstrdup(name);
	(*v)[(*n)++] = value;
}

void html_fact(struct html_page *p, const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_pair(&p->facts, &p->nfacts, name, vformat(fmt, ap));
	va_end(ap);
}

void html_count(struct html_page *p, const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_pair(&p->counts, &p->ncounts, name, vformat(fmt, ap));
	va_end(ap);
}

struct html_finding *html_add_finding(struct html_page *p, const char *rule, const char *severity,
				      const char *message)
{
	struct html_finding *f;

	p->findings = xrealloc(p->findings, (p->nfindings + 1) * sizeof(*p->findings));
	f = &p->findings[p->nfindings++];
	memset(f, 0, sizeof(*f));
	f->rule = xstrdup(rule);
	f->severity = severity ? xstrdup(severity) : NULL;
	f->message = message ? xstrdup(message) : NULL;
	f->count = 1;
	return f;
}

void html_add_frame(struct html_finding *f, const char *frame)
{
	f->frames = xrealloc(f->frames, (f->nframes + 1) * sizeof(*f->frames));
	f->frames[f->nframes++] = xstrdup(frame);
}

void html_add_object(struct html_finding *f, const char *name, const char *value)
{
	char *more = xasprintf("%s%s\t%s\n", f->objects ? f->objects : "", name, value);

	free(f->objects);
	f->objects = more;
}

struct html_load *html_add_load(struct html_page *p, unsigned long n)
{
	struct html_load *L;

	p->loads = xrealloc(p->loads, (p->nloads + 1) * sizeof(*p->loads));
	L = &p->loads[p->nloads++];
	memset(L, 0, sizeof(*L));
	L->n = n;
	return L;
}

void html_add_mark(struct html_page *p, uint64_t at, enum html_mark_kind kind, const char *fmt, ...)
{
	va_list ap;

	if (p->nmarks == HTML_MAX_MARKS) {
		p->marks_left_out++;
		return;
	}
	p->marks = xrealloc(p->marks, (p->nmarks + 1) * sizeof(*p->marks));
	va_start(ap, fmt);
	p->marks[p->nmarks++] = (struct html_mark){ .at = at, .kind = kind,
						    .text = vformat(fmt, ap) };
	va_end(ap);
}

/* An insertion sort: stable, and linear on the records' order, which is nearly sorted. */
void html_sort_marks(struct html_page *p)
{
	for (size_t i = 1; i < p->nmarks; i++) {
		struct html_mark m = p->marks[i];
		size_t j = i;

		for (; j && p->marks[j - 1].at > m.at; j--)
			p->marks[j] = p->marks[j - 1];
		p->marks[j] = m;
	}
}

/* A spec file's path as the catalog gives it, relative to the source tree or the installed SDK. */
static char *read_spec(const char *file, size_t *size)
{
	char *sdk = installed_sdk_dir(), *text = NULL;
	const char *roots[] = { source_tree(), sdk };

	for (unsigned int i = 0; !text && file[0] != '/' && i < 2; i++) {
		char *path = roots[i] ? xasprintf("%s/%s", roots[i], file) : NULL;

		if (path && read_whole_file(path, (void **)&text, size))
			text = NULL;
		free(path);
	}
	free(sdk);
	return text;
}

/*
 * The clause at line LINE: that line and the next ones up to the one that
 * names the rule ("RULE") or holds its message's first words, at most
 * SPEC_LINES; NULL when none does (the spec at hand is not the one the pack
 * was built from).
 */
#define SPEC_LINES 4
char *html_spec_line(const char *pos, const char *rule, const char *message)
{
	const char *colon = strchr(pos, ':');
	char *file, *text, *line, *start, *quoted = xasprintf("\"%s\"", rule), *words;
	char *found = NULL;
	unsigned long n;
	size_t size;

	/* A rule with no id written: its message's opening words, quote included. */
	words = xasprintf("\"%.*s", (int)strcspn(message ? message : "", "{"), message ? message : "");
	if (strlen(words) > 24)
		words[24] = '\0';
	n = colon ? strtoul(colon + 1, NULL, 10) : 0;
	file = xstrndup(pos, colon ? (size_t)(colon - pos) : 0);
	text = n ? read_spec(file, &size) : NULL;	/* NUL-terminated */
	for (line = text; line && n > 1; n--) {
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	if (text && strstr(text, quoted))
		words[0] = '\0';
	start = line;
	for (unsigned int i = 0; line && *line && i < SPEC_LINES; i++) {
		size_t len = strcspn(line, "\n");
		char *one = xstrndup(line, len);
		bool names = strstr(one, quoted) || (strlen(words) >= 12 && strstr(one, words));

		free(one);
		if (names) {
			found = xstrndup(start, line + len - start);
			break;
		}
		line += len + (line[len] == '\n');
	}
	free(file);
	free(text);
	free(quoted);
	free(words);
	return found;
}

/* <TAG class="CLASS">escaped text</TAG>. */
static void elem(struct strbuf *out, const char *tag, const char *cls, const char *text)
{
	sb_printf(out, "<%s%s%s%s>", tag, cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
	sb_markup_text(out, text);
	sb_printf(out, "</%s>", tag);
}

static const char style[] =
	"body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:72em;padding:1em 2em;"
	"color:#1d2329;background:#fff}\n"
	"h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.25em;margin:1.6em 0 .5em;"
	"border-bottom:1px solid #ccd3da;padding-bottom:.2em}h3{font-size:1.05em;margin:0 0 .4em}\n"
	"code,pre,.mono{font-family:ui-monospace,'DejaVu Sans Mono',monospace;font-size:.92em}\n"
	"pre{background:#f4f6f8;padding:.5em .7em;margin:.3em 0;white-space:pre-wrap;"
	"word-break:break-all}\n"
	".verdict{padding:.6em 1em;border-radius:4px;font-weight:600;margin:.6em 0}\n"
	".v-findings{background:#fde8e8;border-left:6px solid #c62828}\n"
	".v-clean{background:#e6f4ea;border-left:6px solid #2e7d32}\n"
	".v-nothing{background:#fff4e0;border-left:6px solid #e08a00}\n"
	"table{border-collapse:collapse;margin:.4em 0}td,th{text-align:left;vertical-align:top;"
	"padding:.2em .8em .2em 0;border-bottom:1px solid #e3e7eb}th{color:#4a5560;"
	"font-weight:600}\n"
	".facts th{width:13em}.grid{display:flex;flex-wrap:wrap;gap:0 3em;align-items:flex-start}\n"
	".finding{border:1px solid #ccd3da;border-left:5px solid #c62828;border-radius:4px;"
	"padding:.7em 1em;margin:.8em 0}\n"
	".finding.warning{border-left-color:#e08a00}\n"
	".count{background:#1d2329;color:#fff;border-radius:9px;padding:0 .5em;font-size:.85em;"
	"margin-left:.4em}\n"
	".msg{margin:.2em 0 .5em}.stack{margin:.2em 0;padding-left:2.2em}"
	".stack li{font-family:ui-monospace,monospace;font-size:.92em}\n"
	".k-fault{color:#6a3fb5}.k-finding{color:#c62828}.k-kernel{color:#ad1457}"
	".k-stop{color:#000;font-weight:700}\n"
	".strip{display:flex;flex-wrap:wrap;gap:2px;margin:.4em 0}.strip span{width:14px;"
	"height:14px;background:#9ccc9f;display:inline-block}\n"
	".strip .s-find{background:#c62828}.strip .s-stop{background:#000}"
	".strip .s-none{background:#cfd8dc}\n"
	"tr.bad td{font-weight:600}.muted{color:#69747e}\n"
	".loads pre{margin:0;padding:0 .3em;white-space:pre;word-break:normal}\n"
	"@media print{body{font-size:11px;padding:0;max-width:none}.finding{break-inside:avoid}}\n";

static void write_head(const struct html_page *p, struct strbuf *out)
{
	static const char *const cls[] = { "v-clean", "v-findings", "v-nothing" };

	sb_puts(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		"<meta name=\"viewport\" content=\"width=device-width\">\n<title>");
	sb_markup_text(out, p->title);
	sb_printf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", style);
	elem(out, "h1", NULL, p->title);
	sb_printf(out, "<p class=\"verdict %s\">", cls[p->outcome]);
	sb_markup_text(out, p->verdict);
	sb_puts(out, "</p>\n<div class=\"grid\">\n<table class=\"facts\">\n");
	for (unsigned int i = 0; i + 1 < p->nfacts; i += 2) {
		sb_puts(out, "<tr>");
		elem(out, "th", NULL, p->facts[i]);
		elem(out, "td", NULL, p->facts[i + 1]);
		sb_puts(out, "</tr>\n");
	}
	sb_puts(out, "</table>\n<table class=\"facts counts\">\n");
	for (unsigned int i = 0; i + 1 < p->ncounts; i += 2) {
		sb_puts(out, "<tr>");
		elem(out, "th", NULL, p->counts[i]);
		elem(out, "td", NULL, p->counts[i + 1]);
		sb_puts(out, "</tr>\n");
	}
	sb_puts(out, "</table>\n</div>\n");
}

/* The rules in the order they first come: each one's first finding's index. */
static size_t rules_of(const struct html_page *p, size_t **first)
{
	size_t n = 0;

	*first = xcalloc(p->nfindings + 1, sizeof(**first));
	for (size_t i = 0; i < p->nfindings; i++) {
		size_t r;

		for (r = 0; r < n && strcmp(p->findings[(*first)[r]].rule, p->findings[i].rule); r++)
			;
		if (r == n)
			(*first)[n++] = i;
	}
	return n;
}

/* A row "name: value" of a finding, the value escaped, in a <code> when code. */
static void finding_row(struct strbuf *out, const char *name, const char *value, bool code)
{
	if (!value)
		return;
	sb_puts(out, "<tr>");
	elem(out, "th", NULL, name);
	sb_puts(out, "<td>");
	elem(out, code ? "code" : "span", NULL, value);
	sb_puts(out, "</td></tr>\n");
}

static void write_objects(struct strbuf *out, const char *objects)
{
	sb_puts(out, "<tr><th>objects involved</th><td><table class=\"objects\">");
	while (objects && *objects) {
		size_t len = strcspn(objects, "\n"), tab = strcspn(objects, "\t");
		char *name = xstrndup(objects, tab < len ? tab : len);
		char *value = tab < len ? xstrndup(objects + tab + 1, len - tab - 1) : xstrdup("");

		sb_puts(out, "<tr>");
		elem(out, "td", "mono", name);
		elem(out, "td", "mono", value);
		sb_puts(out, "</tr>");
		free(name);
		free(value);
		objects += len + (objects[len] == '\n');
	}
	sb_puts(out, "</table></td></tr>\n");
}

static void write_finding(struct strbuf *out, const struct html_finding *f)
{
	sb_printf(out, "<div class=\"finding %s\">\n<h3>",
		  f->severity && !strcmp(f->severity, "warning") ? "warning" : "error");
	if (f->driver) {
		sb_markup_text(out, f->driver);
		sb_puts(out, ": ");
	}
	elem(out, "code", NULL, f->site ? f->site : "(no call site)");
	if (f->call) {
		sb_puts(out, " <span class=\"muted\">");
		sb_markup_text(out, f->call);
		sb_puts(out, "</span>");
	}
	sb_printf(out, "<span class=\"count\">%u&times;</span></h3>\n", f->count);
	elem(out, "p", "msg", f->message ? f->message : "");
	sb_puts(out, "\n<table class=\"detail\">\n");
	finding_row(out, "severity", f->severity, false);
	finding_row(out, "rule written at", f->spec, true);
	if (f->spec_line) {
		sb_puts(out, "<tr><th>rule source</th><td>");
		elem(out, "pre", NULL, f->spec_line);
		sb_puts(out, "</td></tr>\n");
	}
	if (f->objects)
		write_objects(out, f->objects);
	finding_row(out, "fault injected before", f->fault ? f->fault : "none", false);
	if (f->reproducer) {
		sb_puts(out, "<tr><th>reproduce</th><td>");
		elem(out, "pre", NULL, f->reproducer);
		sb_puts(out, "</td></tr>\n");
	}
	finding_row(out, "note", f->note, false);
	sb_puts(out, "</table>\n");
	if (f->nframes) {
		sb_puts(out, "<div>call stack (innermost first):</div>\n<ol class=\"stack\" start=\"0\">\n");
		for (unsigned int i = 0; i < f->nframes; i++) {
			elem(out, "li", NULL, f->frames[i]);
			sb_puts(out, "\n");
		}
		sb_puts(out, "</ol>\n");
	}
	sb_puts(out, "</div>\n");
}

/* The table of rules, then each rule's groups by site. */
static void write_findings(const struct html_page *p, struct strbuf *out)
{
	size_t *first, nrules = rules_of(p, &first);

	sb_puts(out, "<h2>Findings by rule</h2>\n");
	if (!nrules) {
		sb_puts(out, "<p>No finding.</p>\n");
		free(first);
		return;
	}
	sb_puts(out, "<table class=\"rules\">\n<tr><th>rule</th><th>severity</th><th>findings</th>"
		"<th>sites</th></tr>\n");
	for (size_t r = 0; r < nrules; r++) {
		const struct html_finding *f0 = &p->findings[first[r]];
		unsigned int n = 0, sites = 0;

		for (size_t i = 0; i < p->nfindings; i++)
			if (!strcmp(p->findings[i].rule, f0->rule)) {
				n += p->findings[i].count;
				sites++;
			}
		sb_printf(out, "<tr><td><a href=\"#rule-%zu\"><code>", r + 1);
		sb_markup_text(out, f0->rule);
		sb_puts(out, "</code></a></td>");
		elem(out, "td", NULL, f0->severity ? f0->severity : "");
		sb_printf(out, "<td>%u</td><td>%u</td></tr>\n", n, sites);
	}
	sb_puts(out, "</table>\n");
	for (size_t r = 0; r < nrules; r++) {
		const char *rule = p->findings[first[r]].rule;

		sb_printf(out, "<h2 id=\"rule-%zu\">", r + 1);
		elem(out, "code", NULL, rule);
		sb_puts(out, "</h2>\n");
		for (size_t i = 0; i < p->nfindings; i++)
			if (!strcmp(p->findings[i].rule, rule))
				write_finding(out, &p->findings[i]);
	}
	free(first);
}

static void write_loads(const struct html_page *p, struct strbuf *out)
{
	sb_printf(out, "<h2>Loads</h2>\n<div class=\"strip\" aria-label=\"every load\">");
	for (size_t i = 0; i < p->nloads; i++) {
		const struct html_load *L = &p->loads[i];

		sb_printf(out, "<span class=\"%s\" title=\"load %lu: ",
			  L->bad ? "s-stop" : L->findings ? "s-find" : L->fault ? "s-ok" : "s-none",
			  L->n);
		sb_markup_text(out, L->outcome);
		sb_puts(out, "\"></span>");
	}
	sb_puts(out, "</div>\n<table class=\"loads\">\n<tr><th>load</th><th>phase</th>"
		"<th>fault injected</th><th>outcome</th><th>findings</th></tr>\n");
	for (size_t i = 0; i < p->nloads; i++) {
		const struct html_load *L = &p->loads[i];

		sb_printf(out, "<tr%s>", L->bad || L->findings ? " class=\"bad\"" : "");
		if (L->n)
			sb_printf(out, "<td>%lu</td>", L->n);
		else
			sb_puts(out, "<td>recording</td>");
		elem(out, "td", NULL, L->phase ? L->phase : "");
		elem(out, "td", "mono", L->fault ? L->fault : "none");
		elem(out, "td", NULL, L->outcome);
		sb_puts(out, "<td>");
		if (L->findings)
			elem(out, "pre", NULL, L->findings);
		sb_puts(out, "</td></tr>\n");
	}
	sb_puts(out, "</table>\n");
}

static void write_timeline(const struct html_page *p, struct strbuf *out)
{
	static const char *const kind[] = { "fault", "finding", "kernel", "stop" };

	sb_puts(out, "<h2>Timeline of faults and findings</h2>\n");
	if (!p->nmarks) {
		sb_puts(out, "<p>No fault was injected and nothing was found.</p>\n");
		return;
	}
	sb_printf(out, "<table class=\"timeline\">\n<tr><th>%s</th><th>what</th><th></th></tr>\n",
		  p->campaign ? "load" : "time (s)");
	for (size_t i = 0; i < p->nmarks; i++) {
		const struct html_mark *m = &p->marks[i];

		if (p->campaign && m->at)
			sb_printf(out, "<tr><td>load %" PRIu64 "</td>", m->at);
		else if (p->campaign)
			sb_puts(out, "<tr><td>recording</td>");
		else if (m->at == UINT64_MAX)
			sb_puts(out, "<tr><td>(no record)</td>");
		else
			sb_printf(out, "<tr><td class=\"mono\">%" PRIu64 ".%06" PRIu64 "</td>",
				  m->at / 1000000000, m->at / 1000 % 1000000);
		sb_printf(out, "<td class=\"k-%s\">%s</td>", kind[m->kind], kind[m->kind]);
		elem(out, "td", "mono", m->text);
		sb_puts(out, "</tr>\n");
	}
	sb_puts(out, "</table>\n");
	if (p->marks_left_out)
		sb_printf(out, "<p class=\"muted\">and %zu more not shown</p>\n", p->marks_left_out);
}

void html_write(const struct html_page *p, struct strbuf *out)
{
	write_head(p, out);
	write_findings(p, out);
	if (p->campaign)
		write_loads(p, out);
	write_timeline(p, out);
	sb_printf(out, "<p class=\"muted\">Made by ddv %s. man ddv(8), HTML REPORT.</p>\n"
		  "</body>\n</html>\n", PACKAGE_VERSION);
}

int html_write_file(const struct html_page *p, const char *path)
{
	struct strbuf out = { 0 };
	int err;

	html_write(p, &out);
	err = write_whole_file(path, out.s, out.len);
	if (err)
		ddv_error(errno, "--html %s", path);
	sb_free(&out);
	return err ? -1 : 0;
}

void html_common_facts(struct html_page *p, const char *known)
{
	char *path = state_path("kernel"), *kernel = NULL, stamp[64];
	struct utsname u;
	size_t size;
	time_t now = time(NULL);

	html_fact(p, "ddv", "%s", PACKAGE_VERSION);
	if (known) {
		html_fact(p, "kernel", "%s", known);
	} else if (!read_whole_file(path, (void **)&kernel, &size) && size) {
		kernel[strcspn(kernel, "\n")] = '\0';
		html_fact(p, "kernel", "%s", kernel);
	} else if (!uname(&u)) {
		html_fact(p, "kernel (of this machine)", "%s", u.release);
	}
	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S UTC", gmtime(&now));
	html_fact(p, "made", "%s", stamp);
	free(kernel);
	free(path);
}

void html_free(struct html_page *p)
{
	for (unsigned int i = 0; i < p->nfacts; i++)
		free(p->facts[i]);
	for (unsigned int i = 0; i < p->ncounts; i++)
		free(p->counts[i]);
	for (size_t i = 0; i < p->nfindings; i++) {
		struct html_finding *f = &p->findings[i];

		free(f->rule);
		free(f->severity);
		free(f->message);
		free(f->driver);
		free(f->site);
		free(f->call);
		free(f->spec);
		free(f->spec_line);
		for (unsigned int j = 0; j < f->nframes; j++)
			free(f->frames[j]);
		free(f->frames);
		free(f->objects);
		free(f->fault);
		free(f->reproducer);
		free(f->note);
	}
	for (size_t i = 0; i < p->nloads; i++) {
		free(p->loads[i].phase);
		free(p->loads[i].fault);
		free(p->loads[i].outcome);
		free(p->loads[i].findings);
	}
	for (size_t i = 0; i < p->nmarks; i++)
		free(p->marks[i].text);
	free(p->facts);
	free(p->counts);
	free(p->findings);
	free(p->loads);
	free(p->marks);
	free(p->title);
	free(p->verdict);
	memset(p, 0, sizeof(*p));
}
