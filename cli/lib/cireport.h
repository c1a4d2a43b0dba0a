/*
 * cireport.h: results as CI systems read them, for ddv report and ddv campaign
 * (man ddv(8), CI OUTPUT): KTAP version 1, as kselftest and KernelCI read it,
 * and JUnit XML, as Jenkins and GitLab read it.
 *
 * A result is a list of cases, each in a suite (a rule id: a finding's cases
 * are grouped by rule). KTAP makes each suite a test with a subtest per case;
 * JUnit a <testsuite> of <testcase>s. A suite fails when one of its cases does.
 */
#ifndef DDV_CLI_CIREPORT_H
#define DDV_CLI_CIREPORT_H

#include <stddef.h>

#include "util.h"

enum ci_format { CI_TEXT, CI_JSON, CI_KTAP, CI_JUNIT };
/* "text", "json", "ktap", "junit": 0 and *out, or -1 (said). */
int ci_format_parse(const char *name, enum ci_format *out);

enum ci_outcome {
	CI_PASS,
	CI_FAIL,	/* a finding */
	CI_ERROR,	/* the check could not be made: nothing ran, a hang, a crash */
	CI_SKIP,	/* not tried (a campaign stopped early) */
};

struct ci_case {
	char *suite;	/* cases group by it, in the order suites first appear */
	char *name;	/* one line, no '#': where (driver, site, API) */
	char *message;	/* one line: what happened */
	char *detail;	/* lines: the finding as text, its spec line, stack, reproducer */
	enum ci_outcome outcome;
};

struct ci_result {
	char *title;	/* "ddv report", "ddv campaign e1000" */
	char *summary;	/* one line */
	struct ci_case *cases;
	size_t ncases;
};

/* Adds a case; every string is copied (detail and message may be NULL). */
void ci_add(struct ci_result *r, enum ci_outcome outcome, const char *suite, const char *name,
	    const char *message, const char *detail);
void ci_write(const struct ci_result *r, enum ci_format format, struct strbuf *out);
void ci_free(struct ci_result *r);

#endif /* DDV_CLI_CIREPORT_H */
