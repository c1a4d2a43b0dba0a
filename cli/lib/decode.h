/*
 * decode.h: log records to events with names, the findings a report makes
 * of them, and the suppressions that leave some out.
 */
#ifndef DDV_CLI_DECODE_H
#define DDV_CLI_DECODE_H

#include "catalog.h"
#include "cireport.h"
#include "htmlreport.h"
#include "module.h"
#include "runtime.h"
#include "util.h"

/* decode.c: binary log records to events with names, text and JSON. */
struct event_arg {
	const char *name;	/* from the catalog, or "argN" */
	uint64_t value;
};

struct event {
	uint64_t ts;
	unsigned int cpu;
	unsigned int pack_id;
	unsigned int index;
	const char *pack;	/* name, or NULL when unknown */
	const struct cat_msg *msg;	/* NULL when no catalog explains it */
	unsigned int nargs;
	struct event_arg args[8];
	bool is_drop;
	uint64_t dropped;
	/* Context: the driver and the call site the record is about. */
	int dut;		/* -1: none */
	const char *module;
	const char *driver;	/* the driver under test: the family's, module its member's */
	char *const *members;	/* the family's other modules (its site table's), or none */
	size_t nmembers;
	const struct site *site;	/* NULL when unknown */
	uint32_t site_id;	/* ~0: none */
	const char *api;	/* the API function (catalog or runtime table) */
	const char *symbol;
	const struct cat_pos *spec;	/* where the rule is written */
	uint64_t stack[12];	/* from ddv.stack records */
	unsigned int nstack;
};

#define DECODE_MAX_DUTS 64
struct decoder {
	const struct catalog *cat;
	const struct rt_tables *rt;
	/* Each driver id's current site table (the generation advances at each arming). */
	struct site_table sites[DECODE_MAX_DUTS];
	unsigned int generation[DECODE_MAX_DUTS];
	bool table_open[DECODE_MAX_DUTS];	/* a site table is in force */
	bool table_armed[DECODE_MAX_DUTS];	/* its arming record has been seen */
	bool attached[DECODE_MAX_DUTS];
	struct site_table *retired;	/* earlier generations: events may still point into them */
	unsigned int nretired;
	bool use_state;		/* load site tables from the state directory */
	bool sources;		/* name the driver's source lines from its DWARF (ddv report) */
	/* Per CPU, the event waiting for its ddv.at and ddv.stack records. */
	struct event *pending;
	unsigned int npending;
	uint64_t records;
	uint64_t dropped;	/* records the runtime lost (DROP records) */
	uint64_t garbage;	/* stretches of bytes that were no records */
	uint64_t unknown;	/* records no catalog explains */
	bool mismatch_warned;
};

void decoder_init(struct decoder *dec, const struct catalog *cat, const struct rt_tables *rt,
		  bool use_state);
void decoder_free(struct decoder *dec);
int decoder_set_sites(struct decoder *dec, unsigned int dut, struct site_table *table);
struct ddv_logrec;
void decode_record(struct decoder *dec, const struct ddv_logrec *rec, struct event *ev);
void event_text(const struct decoder *dec, const struct event *ev, struct strbuf *sb);
void event_json(const struct decoder *dec, const struct event *ev, struct strbuf *sb);
/* The message with its arguments in; one argument as the message shows it (ids named). */
void event_message(const struct decoder *dec, const struct event *ev, struct strbuf *sb);
void event_arg_text(const struct decoder *dec, const struct event *ev, unsigned int i,
		    struct strbuf *sb);
/* A leak's (or leak scope's) site is where its object was made: the allocation site. */
bool event_site_is_allocation(const struct event *ev);
/* Source lines from the driver's DWARF (srcline.c), when dec->sources: appended as text. */
bool event_site_source(const struct decoder *dec, const struct event *ev, struct strbuf *sb);
bool event_frame_source(const struct decoder *dec, const struct event *ev, unsigned int i,
			struct strbuf *sb);
bool event_is_finding(const struct event *ev);

typedef void (*event_fn)(struct decoder *dec, const struct event *ev, void *data);
int decode_stream(struct decoder *dec, const void *buf, size_t len, event_fn fn, void *data);
void decode_flush(struct decoder *dec, event_fn fn, void *data);
int decode_chunk(struct decoder *dec, const void *buf, size_t len, event_fn fn, void *data);

/* suppress.c: what findings are left out, and the stacks they are judged by. */

/* A finding's stack frames, named (innermost first). */
#define EVENT_MAX_FRAMES 12
struct frames {
	char *name[EVENT_MAX_FRAMES];	/* "func+0xoff [module]", or the address */
	bool known[EVENT_MAX_FRAMES];	/* named: the same on every load of the driver */
	unsigned int n;
};
void event_frames(const struct event *ev, struct frames *f);
void frames_join(const struct frames *f, bool key, struct strbuf *sb);
void frames_free(struct frames *f);

/*
 * Suppressions: findings to leave out, by rule id and stack, all globs:
 * RULE, RULE@FRAME (the site, "func+0xoff", or any frame of the stack:
 * "heap.leak@e1000_probe+*"), RULE@FRAME>FRAME... (frames in that order,
 * innermost first: "heap.double-free@e1000_free_*>e1000_remove*"). A leak's site
 * is its allocation site. From the command line or a file of them, one a
 * line, '#' starting a comment.
 */
#define SUPPRESSION_MAX_FRAMES EVENT_MAX_FRAMES
struct suppression {
	char *text;		/* as written */
	char *rule;
	char *frames[SUPPRESSION_MAX_FRAMES];	/* none: any finding of the rule */
	unsigned int nframes;
	char *origin;		/* "FILE:LINE", or NULL: the command line */
	unsigned int hits;	/* findings it left out */
};

struct suppressions {
	struct suppression *v;
	unsigned int n;
};
const char *suppression_parse(const char *text, struct suppression *out, char **bad);
void suppression_free(struct suppression *s);
int suppressions_add(struct suppressions *s, const char *arg);
int suppressions_add_file(struct suppressions *s, const char *path);
int suppressions_add_text(struct suppressions *s, const char *text, size_t size,
			  const char *file);
struct suppression *suppressions_match(struct suppressions *s, const char *rule, const char *site,
				       const struct frames *frames);
void suppressions_free(struct suppressions *s);

/* report.c: findings out of events. */

/*
 * Identical findings: one rule, one driver, one site, one named stack (a
 * leak: its allocation site; the store keeps no allocation stack).
 */
struct report_group {
	char *key;		/* rule, driver, site, stack */
	struct strbuf text;	/* the first occurrence */
	unsigned int count;
	char *rule, *where;	/* for a CI report's case */
	int html;		/* its finding in the HTML page, or -1 */
};

struct report {
	struct report_group *groups;
	unsigned int ngroups;
	unsigned int *index;	/* hash slots: group index + 1, 0 = empty */
	unsigned int index_size;
	struct strbuf out;
	bool json;
	bool sources;		/* the kernel's complaints' driver frames with their source lines */
	struct ci_result *ci;	/* not NULL: KTAP or JUnit, the groups collected there */
	struct html_page *html;	/* not NULL: the groups also go to this page (htmlreport.h) */
	enum ci_format ci_format;
	unsigned int findings;
	unsigned int errors;
	unsigned int warnings;
	unsigned int injected;
	unsigned int drivers;	/* driver lives the records show (loads, attaches): 0, nothing ran */
	char *hang_seen;	/* modules with a runtime ddv.hang record, ",a,b," */
	struct suppressions *supp;	/* NULL: none */
	unsigned int suppressed;
	/* JSON: each finding's object without its closing brace, and its group. */
	struct strbuf *json_lines;
	unsigned int *json_group;
	unsigned int njson;
	unsigned int ngroups_total;	/* groups flushed so far */
	/* For the kernel's complaints (report_kernel): what came before them. */
	struct report_fault *faults;	/* the faults injected, in order */
	unsigned int nfaults;
	struct report_mark *marks;	/* the findings' call sites as the kernel names them */
	unsigned int nmarks;
	char *modules;		/* the drivers under test seen, ",a,b," */
	unsigned char dut_phase[DECODE_MAX_DUTS];	/* enum report_phase */
	uint64_t dut_born[DECODE_MAX_DUTS];	/* when each driver id's life began */
	unsigned int kernel_folded;	/* complaints told with the finding of their call */
	uint64_t kernel_lost;	/* kernel log records overwritten before they were read */
};

/* An injected fault, as a kernel complaint names it for its likely cause. */
struct report_fault {
	uint64_t ts;
	int dut;
	char *what;		/* "kmalloc_trace at f+0x1a [mod] (init)" */
};

/* A finding's call, "func+0xoff [module]" (its return address), for the complaints it explains. */
struct report_mark {
	uint64_t ts;
	char *frame;
	unsigned int group;	/* its group, to add the kernel's complaint to */
	int json_line;		/* its JSON line, or -1 */
	unsigned int kernel;	/* complaints told with it */
	char *kernel_title;
};

void report_event(struct decoder *dec, const struct event *ev, void *data);
struct kcomplaints;
/*
 * The kernel's complaints of the session (kernlog.h) as findings: those that
 * name a driver under test or come after an injected fault, grouped (one
 * finding with a count for identical ones), each with the faults injected
 * before it. One that came from a call already reported is told with that
 * finding instead; an oops behind a ddv.crash of cli_findings likewise.
 */
void report_kernel(struct report *rep, const struct kcomplaints *kc, const char *cli_findings);
void report_cli_findings(struct report *rep, const char *lines);
void report_summary(struct report *rep, const struct decoder *dec);
/* No finding, and no driver loaded or attached: a report that must not pass. */
#define REPORT_NOTHING_CHECKED \
	"nothing was checked: no driver was loaded or attached in this session"
bool report_nothing_checked(const struct report *rep);
/* After report_summary: the page's header, counts and verdict. */
void report_html(struct report *rep, const struct decoder *dec);

#endif /* DDV_CLI_DECODE_H */
