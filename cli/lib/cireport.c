/* cireport.c: KTAP version 1 and JUnit XML out of a list of cases (cireport.h). */
#include <stdlib.h>
#include <string.h>

#include "cireport.h"

int ci_format_parse(const char *name, enum ci_format *out)
{
	static const char *const names[] = { "text", "json", "ktap", "junit" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i])) {
			*out = (enum ci_format)i;
			return 0;
		}
	ddv_error(0, "--format %s: expected text, json, ktap or junit", name);
	return -1;
}

void ci_add(struct ci_result *r, enum ci_outcome outcome, const char *suite, const char *name,
	    const char *message, const char *detail)
{
	r->cases = xrealloc(r->cases, (r->ncases + 1) * sizeof(*r->cases));
	r->cases[r->ncases++] = (struct ci_case){
		.suite = xstrdup(suite), .name = xstrdup(name),
		.message = message ? xstrdup(message) : NULL,
		.detail = detail ? xstrdup(detail) : NULL, .outcome = outcome,
	};
}

void ci_free(struct ci_result *r)
{
	for (size_t i = 0; i < r->ncases; i++) {
		free(r->cases[i].suite);
		free(r->cases[i].name);
		free(r->cases[i].message);
		free(r->cases[i].detail);
	}
	free(r->cases);
	free(r->title);
	free(r->summary);
	memset(r, 0, sizeof(*r));
}

/* The suites in the order they first appear: indices of their first cases. */
static size_t suites_of(const struct ci_result *r, size_t **first)
{
	size_t n = 0;

	*first = xcalloc(r->ncases + 1, sizeof(**first));
	for (size_t i = 0; i < r->ncases; i++) {
		size_t s;

		for (s = 0; s < n; s++)
			if (!strcmp(r->cases[(*first)[s]].suite, r->cases[i].suite))
				break;
		if (s == n)
			(*first)[n++] = i;
	}
	return n;
}

/* The worst outcome of a suite's cases: error, then failure, then pass; skip when all are. */
static enum ci_outcome suite_outcome(const struct ci_result *r, const char *suite)
{
	bool all_skipped = true, failed = false;

	for (size_t i = 0; i < r->ncases; i++) {
		if (strcmp(r->cases[i].suite, suite))
			continue;
		if (r->cases[i].outcome == CI_ERROR)
			return CI_ERROR;
		failed |= r->cases[i].outcome == CI_FAIL;
		all_skipped &= r->cases[i].outcome == CI_SKIP;
	}
	return failed ? CI_FAIL : all_skipped ? CI_SKIP : CI_PASS;
}

/* A KTAP description or directive's text: one line, no '#' (it starts the directive). */
static void ktap_words(struct strbuf *out, const char *s)
{
	for (; s && *s; s++)
		sb_add(out, *s == '#' ? "?" : *s == '\n' || *s == '\t' ? " " : s, 1);
}

/* Each line of text as a diagnostic line, "# LINE", at indent. */
static void ktap_diagnostics(struct strbuf *out, const char *indent, const char *text)
{
	while (text && *text) {
		size_t len = strcspn(text, "\n");

		sb_printf(out, "%s# %.*s\n", indent, (int)len, text);
		text += len + (text[len] == '\n');
	}
}

static void ktap_result(struct strbuf *out, const char *indent, enum ci_outcome o, size_t n,
			const char *name, const char *message)
{
	sb_printf(out, "%s%s %zu ", indent, o == CI_FAIL || o == CI_ERROR ? "not ok" : "ok", n);
	ktap_words(out, name);
	if (o == CI_SKIP || o == CI_ERROR || message) {
		sb_puts(out, o == CI_SKIP ? " # SKIP" : o == CI_ERROR ? " # ERROR" : " #");
		if (message) {
			sb_puts(out, " ");
			ktap_words(out, message);
		}
	}
	sb_puts(out, "\n");
}

/*
 * KTAP version 1 (the kernel's Documentation/dev-tools/ktap.rst): a test per
 * suite, nested two spaces in, with a subtest per case; a failing case's
 * detail as diagnostic lines just before its result line.
 */
static void write_ktap(const struct ci_result *r, struct strbuf *out)
{
	size_t *first, nsuites = suites_of(r, &first);

	sb_puts(out, "KTAP version 1\n");
	ktap_diagnostics(out, "", r->summary);
	sb_printf(out, "1..%zu\n", nsuites);
	for (size_t s = 0; s < nsuites; s++) {
		const char *suite = r->cases[first[s]].suite;
		size_t n = 0;

		sb_puts(out, "  KTAP version 1\n  # Subtest: ");
		ktap_words(out, suite);
		sb_puts(out, "\n");
		for (size_t i = 0; i < r->ncases; i++)
			n += !strcmp(r->cases[i].suite, suite);
		sb_printf(out, "  1..%zu\n", n);
		n = 0;
		for (size_t i = 0; i < r->ncases; i++) {
			const struct ci_case *c = &r->cases[i];

			if (strcmp(c->suite, suite))
				continue;
			ktap_diagnostics(out, "  ", c->detail);
			ktap_result(out, "  ", c->outcome, ++n, c->name,
				    c->outcome == CI_FAIL ? NULL : c->message);
		}
		ktap_result(out, "", suite_outcome(r, suite), s + 1, suite, NULL);
	}
	free(first);
}

static void junit_counts(struct strbuf *out, const struct ci_result *r, const char *suite)
{
	size_t n[4] = { 0 }, tests = 0;

	for (size_t i = 0; i < r->ncases; i++)
		if (!suite || !strcmp(r->cases[i].suite, suite)) {
			n[r->cases[i].outcome]++;
			tests++;
		}
	sb_printf(out, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\"", tests,
		  n[CI_FAIL], n[CI_ERROR], n[CI_SKIP]);
}

static void junit_case(struct strbuf *out, const struct ci_case *c)
{
	static const char *const element[] = { NULL, "failure", "error", "skipped" };

	sb_puts(out, "    <testcase classname=\"");
	sb_markup_text(out, c->suite);
	sb_puts(out, "\" name=\"");
	sb_markup_text(out, c->name);
	sb_puts(out, "\">\n");
	if (c->outcome != CI_PASS) {
		sb_printf(out, "      <%s", element[c->outcome]);
		if (c->outcome != CI_SKIP) {
			sb_puts(out, " type=\"");
			sb_markup_text(out, c->suite);
			sb_puts(out, "\"");
		}
		sb_puts(out, " message=\"");
		sb_markup_text(out, c->message ? c->message : c->name);
		sb_puts(out, "\"");
		if (c->detail && c->outcome != CI_SKIP) {
			sb_puts(out, ">");
			sb_markup_text(out, c->detail);
			sb_printf(out, "</%s>\n", element[c->outcome]);
		} else {
			sb_puts(out, "/>\n");
		}
	}
	if (c->detail && (c->outcome == CI_PASS || c->outcome == CI_SKIP)) {
		sb_puts(out, "      <system-out>");
		sb_markup_text(out, c->detail);
		sb_puts(out, "</system-out>\n");
	}
	sb_puts(out, "    </testcase>\n");
}

/* JUnit XML as Jenkins' junit step and GitLab's artifacts:reports:junit read it. */
static void write_junit(const struct ci_result *r, struct strbuf *out)
{
	size_t *first, nsuites = suites_of(r, &first);

	sb_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"");
	sb_markup_text(out, r->title);
	sb_puts(out, "\"");
	junit_counts(out, r, NULL);
	sb_puts(out, ">\n");
	for (size_t s = 0; s < nsuites; s++) {
		const char *suite = r->cases[first[s]].suite;

		sb_puts(out, "  <testsuite name=\"");
		sb_markup_text(out, suite);
		sb_puts(out, "\"");
		junit_counts(out, r, suite);
		sb_puts(out, ">\n");
		for (size_t i = 0; i < r->ncases; i++)
			if (!strcmp(r->cases[i].suite, suite))
				junit_case(out, &r->cases[i]);
		sb_puts(out, "  </testsuite>\n");
	}
	sb_puts(out, "</testsuites>\n");
	free(first);
}

void ci_write(const struct ci_result *r, enum ci_format format, struct strbuf *out)
{
	if (format == CI_KTAP)
		write_ktap(r, out);
	else if (format == CI_JUNIT)
		write_junit(r, out);
}
