/*
 * htmlreport.h: a report or a campaign's summary as one self-contained HTML
 * page (man ddv(8), HTML REPORT): inline CSS, no script, no external
 * reference; every text from logs, catalogs and journals escaped.
 *
 * report.c and campaign_summary.c fill a page from the groups of findings
 * they already make; this file only lays it out.
 */
#ifndef DDV_CLI_HTMLREPORT_H
#define DDV_CLI_HTMLREPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* A group of identical findings; every string malloc'ed, NULL when not known. */
struct html_finding {
	char *rule, *severity, *message;	/* severity: NULL when not known (a journal's) */
	char *driver;
	char *site;		/* "func+0xoff", " at FILE:LINE..." when the DWARF says */
	char *call;		/* what is called there: "call kmalloc" */
	char *spec;		/* where the rule is written: "specs/linux/heap.ddv:17:8" */
	char *spec_line;	/* the clause's lines, when the spec is at hand */
	char **frames;		/* the stack, innermost first */
	unsigned int nframes;
	char *objects;		/* "NAME\tVALUE\n" per argument of the finding */
	char *fault;		/* the fault injected before it */
	char *reproducer;	/* the commands that make it again */
	char *note;		/* more: the kernel's complaint in its call, other loads */
	unsigned int count;
};

/* A campaign's load. */
struct html_load {
	unsigned long n;	/* the fallible call failed; 0: the clean recording */
	char *phase;		/* where the recording made that call: load, workload... */
	char *fault;		/* the injected call, or NULL: none */
	char *outcome;		/* "init failed", "CRASHED"... */
	bool bad;		/* a hang, crash or lost machine */
	char *findings;		/* "RULE at SITE" lines */
};

/* A point of the timeline: a fault, a finding or a kernel complaint. */
enum html_mark_kind { MARK_FAULT, MARK_FINDING, MARK_KERNEL, MARK_STOP };
struct html_mark {
	uint64_t at;		/* a report: ns (the records' clock); a campaign: the load */
	enum html_mark_kind kind;
	char *text;
};

/* The timeline keeps this many points; more are counted. */
#define HTML_MAX_MARKS 2000

struct html_page {
	char *title;		/* "ddv report", "ddv campaign e1000" */
	char *verdict;		/* one line: the summary */
	enum { VERDICT_CLEAN, VERDICT_FINDINGS, VERDICT_NOTHING } outcome;
	char **facts;		/* the header: name, value, name, value... */
	unsigned int nfacts;
	char **counts;		/* the counts, likewise */
	unsigned int ncounts;
	struct html_finding *findings;
	size_t nfindings;
	struct html_load *loads;	/* a campaign's; none for a report */
	size_t nloads;
	bool campaign;		/* marks are loads, not times */
	struct html_mark *marks;
	size_t nmarks;
	size_t marks_left_out;
};

void html_fact(struct html_page *p, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void html_count(struct html_page *p, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A new finding group (zeroed, count 1), its rule, severity and message copied (NULL: none). */
struct html_finding *html_add_finding(struct html_page *p, const char *rule, const char *severity,
				      const char *message);
void html_add_frame(struct html_finding *f, const char *frame);
/* Appends "name\tvalue\n" to the finding's objects. */
void html_add_object(struct html_finding *f, const char *name, const char *value);
struct html_load *html_add_load(struct html_page *p, unsigned long n);
void html_add_mark(struct html_page *p, uint64_t at, enum html_mark_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The timeline in time order (a report's kernel complaints come after its records). */
void html_sort_marks(struct html_page *p);
/*
 * The lines of the clause at a spec position "FILE:LINE:COL" that writes rule
 * (message: its text), when the spec is at hand and the same; NULL otherwise.
 */
char *html_spec_line(const char *pos, const char *rule, const char *message);
void html_write(const struct html_page *p, struct strbuf *out);
/* Writes the page to path; 0, or -1 with a sentence said. */
int html_write_file(const struct html_page *p, const char *path);
/*
 * The facts every page has: the ddv version, the kernel (kernel, else the
 * session's in the state directory, else this machine's, named so), the time.
 */
void html_common_facts(struct html_page *p, const char *kernel);
void html_free(struct html_page *p);

#endif /* DDV_CLI_HTMLREPORT_H */
