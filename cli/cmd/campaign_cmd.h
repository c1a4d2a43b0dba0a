/*
 * campaign_cmd.h: the parts of "ddv campaign exhaustive" and what they share.
 *
 *   cmd_campaign.c     the command line, and the judge: a load's records decoded
 *   campaign_plan.c    the recording pass: the plan of loads, into the journal
 *   campaign_run.c     the campaign in this machine: the journal written, each
 *                      load and unload run as this program again
 *   campaign_summary.c the summary, from the journal
 *   campaign_vm.c      the campaign in the VM, from the host, boot after boot
 *
 * The journal's format and its parser are campaign.h's (journal.c).
 */
#ifndef DDV_CLI_CAMPAIGN_CMD_H
#define DDV_CLI_CAMPAIGN_CMD_H

#include "util.h"
#include "catalog.h"
#include "runtime.h"
#include "decode.h"
#include "cireport.h"
#include "htmlreport.h"
#include "campaign.h"
#include "kernlog.h"

/* One campaign, as the command line sets it up. */
struct campaign {
	const char *driver;	/* as given: a name or a .ko path */
	char *module;
	const char *timeout;
	const char *setup;	/* --setup: a shell line run before each load */
	const char *with;	/* --with MOD,...: the driver's family (ddv load --with) */
	bool alone;		/* --alone: no family (ddv load --alone) */
	const char *workload;	/* --workload: a shell line run between load and unload */
	bool rebind;		/* --rebind: the driver's devices unbound and bound again */
	bool systematic;	/* ddv campaign systematic: each distinct call stack failed */
	bool dry_run;		/* --dry-run: the recording and the plan, no load tried */
	bool sources;		/* the summary names source lines (where ddv load kept the .ko's) */
	char **exclude;		/* --exclude GLOB: calls of such a function or site never failed */
	int nexclude;
	char **params;		/* PARAM=VALUE of the load */
	int nparams;
	char *journal_path;
	int journal_fd;
	int echo_fd;		/* the console, for --echo-journal; -1 otherwise */
	int ctl;
	unsigned int keep;
	bool prune;
	bool progress_tty;	/* stderr is a terminal: one progress line kept up to date */
	struct suppressions supp;	/* report.c's */
	unsigned int suppressed;
	unsigned int shard, nshards;	/* --shard K/N; 0/0: the whole campaign */
	enum ci_format format;	/* --format: text, ktap, junit */
	const char *html;	/* --html FILE: the summary's page too (htmlreport.h) */
	uint64_t kernel_seen;	/* the kernel log's first record not judged yet */
	struct symset suppressed_calls;	/* this load's suppressed findings' calls (first frames) */
};

/* cmd_campaign.c: decoding a load's records, one decoder for the whole campaign. */
struct judge {
	struct rt_tables rt;
	struct catalog cat;
	struct decoder dec;
	size_t decoded;		/* bytes of the records file decoded so far */
};
/* The session's tables and catalogs; 0, or -errno (said). */
int judge_open(struct judge *j, int ctl_fd);
/* Decodes the records that came since the last call through fn (up to byte end: _to). */
void judge_run(struct judge *j, event_fn fn, void *arg);
void judge_run_to(struct judge *j, size_t end, event_fn fn, void *arg);
/* Bytes of records the state holds now. */
size_t judge_records_size(void);
void judge_close(struct judge *j);
/*
 * A finding of the campaign's driver in ev, as the journal keeps it (rule,
 * site, stack: malloc'ed), unless a suppression leaves it out (counted).
 */
bool judge_finding(struct campaign *c, const struct event *ev, struct journal_finding *out);
/* "SYMBOL@func+0xoff": one word, for the journal and the load lines. */
void call_name(const struct event *ev, struct strbuf *sb);
/*
 * The kernel's complaints (kernlog.h) since the last call as findings, up to
 * max into out: rule ddv.kernel-warning or ddv.kernel-bug, the RIP as the
 * site, the driver's frames as the stack; identical ones once, and none that
 * came from the call of a finding in have (that finding tells it).
 */
unsigned int judge_kernel(struct campaign *c, const struct journal_finding *have,
			  unsigned int nhave, struct journal_finding *out, unsigned int max);
bool is_traced_call(const struct event *ev);

/* campaign_run.c: the journal written, the runtime and this program driven. */
/* Appends one line and makes it durable; echoes it on the console when asked. */
void journal_add(struct campaign *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int journal_load_file(const char *path, struct journal *j);
int run_self(char *const *args, int drain_fd);
/*
 * run_self() without draining, calling tick(arg) every half second until it
 * ends; when tick says true, ends it (EXIT_HANG). Its standard error goes
 * into the file err_path.
 */
int run_self_ticking(char *const *args, bool (*tick)(void *), void *arg, const char *err_path);
int set_trace(struct campaign *c, uint64_t func, unsigned int level);
int inject_off(struct campaign *c);
/* The phases of the driver's life in a campaign load, in order (the journal's names). */
enum life_phase { PHASE_LOAD, PHASE_WORKLOAD, PHASE_REBIND, PHASE_UNLOAD, NPHASES };
const char *phase_name(enum life_phase p);
typedef void (*phase_fn)(struct campaign *c, enum life_phase p, void *arg);
/*
 * One life of the driver: --setup, the load and, when it loaded, --workload,
 * --rebind and the unload. after (may be NULL) runs after each phase that ran,
 * with the log drained when drain_fd >= 0. Returns the load's exit status.
 */
int run_life(struct campaign *c, int drain_fd, phase_fn after, void *arg);
/*
 * Whether a life that ended with status left the module stuck half loaded
 * (a hang, or an oops that killed the loading task): a crash or a hang.
 */
bool module_wedged(struct campaign *c, int status);
int campaign_run(struct campaign *c, bool resume, long max);
/* --dry-run: what the planned loads would fail, one a line. */
void print_plan(const struct journal *jn);

/* campaign_plan.c: the recording pass. Returns 0, or an exit status. */
int record_plan(struct campaign *c, struct judge *j);

/* campaign_summary.c */
void print_load_line(const struct campaign *c, const struct journal_load *L, const char *phase);
/* Where the load lines go: stdout, or stderr when stdout is for KTAP or JUnit. */
FILE *campaign_lines(const struct campaign *c);
/*
 * Prints the summary (and writes the --html page); returns whether anything
 * was found (findings, hangs, crashes): 1 or 0, or -1 when the page could not
 * be written (said).
 */
int summarize(struct journal *jn, const struct campaign *c, unsigned int nsuppressed);
static inline int summary_status(int found)
{
	return found < 0 ? EXIT_ERROR : found ? EXIT_FINDINGS : EXIT_OK;
}

/* campaign_vm.c: the campaign in the bundled VM, from the host (--vm). */
#define DEFAULT_BOOTS 50
struct campaign_vm_opts {
	const char *timeout;	/* one boot's, --vm-timeout */
	int boots;
	const char *out_dir;
	struct strbuf guest_opts;	/* the guest campaign's own options */
	char **args;		/* --vm-arg ARG: to ddv vm */
	int nargs;
};
int campaign_vm(struct campaign *c, bool resume, const struct campaign_vm_opts *o);

#endif /* DDV_CLI_CAMPAIGN_CMD_H */
